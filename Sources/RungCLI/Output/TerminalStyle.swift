import Foundation

/// ANSI colours for status words, used only when stdout is a terminal and `NO_COLOR` is unset.
public enum TerminalStyle {
    /// Whether to colour: stdout is a TTY and `NO_COLOR` is unset or empty (no-color.org).
    public static let enabled: Bool = isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty

    /// How wide a table may be: the terminal's columns when stdout is a terminal, else
    /// `$COLUMNS` when set, else nil (no limit: pipes and files get every character).
    public static var width: Int? {
        var ws = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { return Int(ws.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 { return columns }
        return nil
    }

    /// The SGR code for a status word of a sweep, trial, worker or model version.
    public static func colour(forStatus status: String) -> String? {
        switch status {
        case "finished", "production", "active": return "32"          // green
        case "running": return "36"                                     // cyan
        case "queued", "paused", "staging", "draining": return "33"     // yellow
        case "failed", "lost": return "31"                              // red
        case "stopped", "cancelled", "archived", "left", "none": return "2"  // dim
        default: return nil
        }
    }

    /// `text` wrapped in the SGR `code` when colouring is `enabled` (by default: when stdout
    /// is a terminal and `NO_COLOR` is unset).
    public static func paint(_ text: String, _ code: String?, enabled: Bool = TerminalStyle.enabled) -> String {
        guard enabled, let code else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
