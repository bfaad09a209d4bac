import Foundation
import RungCore

/// Whole-file reads and writes with POSIX calls, turning failures into `RungError`s
/// that name the file.
enum FileIO {
    /// The bytes of the file at `url`.
    static func read(_ url: URL) throws -> [UInt8] {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            if errno == ENOENT { throw RungError.badInput("\(path) does not exist.") }
            throw RungError.unavailable("cannot open \(path): \(reason).")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw RungError.unavailable("cannot read \(path): \(String(cString: strerror(errno))).")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw RungError.badInput("\(path) is a directory, not a file.") }
        var bytes = [UInt8]()
        var capacity = max(Int(info.st_size), 0) + 1
        var filled = 0
        while true {
            if filled == bytes.count {
                bytes.append(contentsOf: repeatElement(0, count: max(capacity - bytes.count, 65536)))
                capacity = bytes.count
            }
            let got = bytes.withUnsafeMutableBytes { buf in
                Foundation.read(fd, buf.baseAddress! + filled, buf.count - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw RungError.unavailable("cannot read \(path): \(String(cString: strerror(errno))).")
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    /// Writes `bytes` to a new file at `url` (replacing any file there).
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let path = url.path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw RungError.unavailable("cannot create \(path): \(String(cString: strerror(errno))).")
        }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                Foundation.write(fd, buf.baseAddress! + written, buf.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw RungError.unavailable("cannot write \(path): \(String(cString: strerror(errno))).")
            }
            written += n
        }
    }
}
