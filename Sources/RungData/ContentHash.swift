import Crypto
import Foundation
import RungCore

/// SHA-256 content hashes as lowercase hex, of files (streamed in 1 MiB chunks) or bytes.
public enum ContentHash {
    /// The SHA-256 of the file at `url`, read in chunks so large files need little memory.
    public static func sha256(file url: URL) throws -> String {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw RungError.unavailable("cannot open \(url.path) to hash it: \(String(cString: strerror(errno))).")
        }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RungError.unavailable("cannot read \(url.path) to hash it: \(String(cString: strerror(errno))).")
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of `bytes`.
    public static func sha256<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The data version of a set of files: the first 16 hex digits of the SHA-256 of the
    /// lines `name:sha256`, sorted by name, each ending in a newline.
    public static func dataVersion(files: [String: String]) -> String {
        let text = files.keys.sorted().map { "\($0):\(files[$0]!)\n" }.joined()
        return String(sha256(Array(text.utf8)).prefix(16))
    }
}
