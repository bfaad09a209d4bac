import Foundation
import Glibc

/// A pseudo-terminal pair opened in-process: `handle` is the terminal side (a TTY to
/// whoever writes to it), and `readAll()` returns what was written, as the other side sees it.
final class PseudoTerminal {
    private let controller: Int32
    private let terminal: Int32
    /// The terminal side, to write to.
    let handle: FileHandle

    /// Opens a pair whose window is `columns` wide.
    init(columns: UInt16, rows: UInt16 = 24) throws {
        // posix_openpt and friends are not in Swift's Glibc module: open the multiplexer,
        // unlock the pair and ask for its number (Linux's asm-generic ioctl numbers).
        let getNumber: UInt = 0x8004_5430  // TIOCGPTN
        let setLock: UInt = 0x4004_5431    // TIOCSPTLCK
        controller = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard controller >= 0, ioctl(controller, setLock, &unlock) == 0, ioctl(controller, getNumber, &number) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let name = "/dev/pts/\(number)"
        terminal = open(name, O_RDWR | O_NOCTTY)
        guard terminal >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(terminal, UInt(TIOCSWINSZ), &size)
        handle = FileHandle(fileDescriptor: terminal, closeOnDealloc: false)
    }

    deinit {
        close(terminal)
        close(controller)
    }

    /// Everything written so far: reads until nothing more is waiting.
    func readAll() throws -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var fds = pollfd(fd: controller, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, 200) > 0 else { break }
            let n = read(controller, &buffer, buffer.count)
            guard n > 0 else { break }
            bytes.append(contentsOf: buffer.prefix(n))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
