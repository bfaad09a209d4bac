import Foundation

/// How commands write to the terminal: human text on stdout, exactly one JSON document
/// with `--json`, diagnostics on stderr.
enum Output {
    /// Prints `value` as one pretty, key-sorted JSON document on stdout.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(value)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }

    /// Writes a line to stdout, unbuffered (so progress shows as it happens).
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to stderr.
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Formats rows as left-aligned text columns separated by two spaces; numeric-looking
    /// cells are right-aligned.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func isNumber(_ s: String) -> Bool { Double(s.replacingOccurrences(of: ",", with: "")) != nil }
        return all.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return isNumber(cell) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }

    /// A metric value with four decimals, or "—" when undefined.
    static func metric(_ value: Double?) -> String {
        guard let value else { return "—" }
        return value.isNaN ? "nan" : String(format: "%.4f", value)
    }

    /// Seconds with two decimals.
    static func seconds(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// ANSI colours for status words, used only when stdout is a terminal and `NO_COLOR` is unset.
enum TerminalStyle {
    /// Whether to colour: stdout is a TTY and `NO_COLOR` is unset or empty (no-color.org).
    static let enabled: Bool = isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty

    /// How wide a table may be: the terminal's columns when stdout is a terminal, else
    /// `$COLUMNS` when set, else nil (no limit: pipes and files get every character).
    static var width: Int? {
        var ws = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { return Int(ws.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 { return columns }
        return nil
    }

    /// The SGR code for a status word of a sweep, trial, worker or model version.
    static func colour(forStatus status: String) -> String? {
        switch status {
        case "finished", "production", "active": return "32"          // green
        case "running": return "36"                                     // cyan
        case "queued", "paused", "staging", "draining": return "33"     // yellow
        case "failed", "lost": return "31"                              // red
        case "stopped", "cancelled", "archived", "left", "none": return "2"  // dim
        default: return nil
        }
    }

    /// `text` wrapped in the SGR `code` when colouring is enabled.
    static func paint(_ text: String, _ code: String?) -> String {
        guard enabled, let code else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

/// Aligned text tables whose cells may be coloured without upsetting the alignment.
enum TerminalTable {
    /// Pads every column to its widest cell, separates columns by two spaces, then colours
    /// the cells of the columns in `colour`. A column whose cells are all numbers (or "—")
    /// is right-aligned, header included; other columns are left-aligned.
    ///
    /// With a `width`, a wider table first cuts the cells of column `shrink` (with "…", to no
    /// fewer than 8 characters), then leaves out the columns in `drop`, in that order.
    static func render(_ header: [String], _ rows: [[String]], colour: [Int: (String) -> String?] = [:],
                       width: Int? = nil, shrink: Int? = nil, drop: [Int] = []) -> String {
        var header = header, rows = rows, colour = colour
        var widths = header.indices.map { c in ([header] + rows).map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func total() -> Int { widths.reduce(0, +) + 2 * max(0, widths.count - 1) }
        if let width, total() > width {
            let natural = shrink.map { widths[$0] } ?? 0
            if let shrink { widths[shrink] = min(8, natural) }
            var dropped = Set<Int>()
            for c in drop where total() > width && c < widths.count && c != shrink {
                dropped.insert(c)
                widths[c] = -2  // the column and its separator
            }
            if let shrink {
                let limit = max(widths[shrink], min(natural, width - (total() - widths[shrink])))
                rows = rows.map { row in
                    var row = row
                    if shrink < row.count, row[shrink].count > limit { row[shrink] = String(row[shrink].prefix(limit - 1)) + "…" }
                    return row
                }
            }
            if !dropped.isEmpty {
                let keep = header.indices.filter { !dropped.contains($0) }
                var kept: [Int: (String) -> String?] = [:]
                for (new, old) in keep.enumerated() { kept[new] = colour[old] }
                colour = kept
                header = keep.map { header[$0] }
                rows = rows.map { row in keep.map { $0 < row.count ? row[$0] : "" } }
            }
        }
        let all = [header] + rows
        widths = header.indices.map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        let numeric = header.indices.map { c in
            let cells = rows.compactMap { c < $0.count ? $0[c] : nil }.filter { $0 != "—" }
            return !cells.isEmpty && cells.allSatisfy { Double($0) != nil }
        }
        return all.enumerated().map { index, row in
            let line = row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                let painted = index > 0 ? TerminalStyle.paint(cell, colour[c]?(cell) ?? nil) : cell
                return numeric[c] ? pad + painted : painted + pad
            }.joined(separator: "  ")
            var trimmed = line
            while trimmed.hasSuffix(" ") { trimmed.removeLast() }
            return trimmed
        }.joined(separator: "\n")
    }
}
