import Foundation
import RungCore

/// The terminal while `rung top` owns it: raw input (no echo, no line editing, Ctrl-C as a
/// key), the alternate screen and a hidden cursor. `restore()` puts everything back and is
/// safe to call more than once; `TopCommand` calls it on every way out.
public final class RawTerminal {
    private var saved = termios()
    private var active = false

    /// A handle on this process's terminal (nothing changes until `enter()`).
    public init() {}

    /// Whether both stdin and stdout are terminals.
    public static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Enters raw mode and the alternate screen.
    public func enter() throws {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else {
            throw RungError.unavailable("cannot read the terminal's settings: \(String(cString: strerror(errno)))")
        }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | ISTRIP | INPCK)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0 else {
            throw RungError.unavailable("cannot put the terminal in raw mode: \(String(cString: strerror(errno)))")
        }
        active = true
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// Leaves the alternate screen, shows the cursor and restores the saved settings.
    public func restore() {
        guard active else { return }
        active = false
        write("\u{1B}[0m\u{1B}[H\u{1B}[2J\u{1B}[?25h\u{1B}[?1049l")
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
    }

    deinit { restore() }

    /// The window's size, asked of the terminal each time (so resizes are seen at once).
    public func size() -> (width: Int, height: Int) {
        var ws = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
        return (80, 24)
    }

    /// Waits up to `millis` for input and returns the bytes read (empty on timeout).
    public func read(waitingMillis millis: Int32) -> [UInt8] {
        var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, millis) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = Glibc.read(STDIN_FILENO, &buffer, buffer.count)
        return n > 0 ? Array(buffer.prefix(n)) : []
    }

    /// Draws `lines` from the top-left corner, clearing what each line does not cover.
    public func draw(_ lines: [String]) {
        var frame = "\u{1B}[H"
        for (i, line) in lines.enumerated() {
            frame += line + "\u{1B}[0m\u{1B}[K"
            if i < lines.count - 1 { frame += "\r\n" }
        }
        frame += "\u{1B}[J"
        write(frame)
    }

    private func write(_ text: String) {
        var data = Array(text.utf8)
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}
