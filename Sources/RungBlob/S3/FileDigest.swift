import Crypto
import Foundation
import RungCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SHA-256 and MD5 of a byte range of a file, read in 1 MiB chunks.
struct FileDigest: Sendable {
    /// Lower-case hex SHA-256.
    var sha256Hex: String
    /// Lower-case hex MD5 (S3's ETag of a single-part object).
    var md5Hex: String
    /// Base64 MD5 (the `Content-MD5` header).
    var md5Base64: String

    /// Hashes `length` bytes of `path` from `offset`; with `md5: false` the MD5 fields are empty.
    init(path: String, offset: Int64, length: Int64, md5: Bool = true) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RungError.badInput("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var sha = SHA256()
        var md = Insecure.MD5()
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var position = offset
        var remaining = length
        while remaining > 0 {
            let n = pread(fd, buffer, Int(min(Int64(size), remaining)), off_t(position))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw RungError.badInput("cannot read \(path): " + (n == 0 ? "the file is shorter than expected" : String(cString: strerror(errno))))
            }
            let chunk = UnsafeRawBufferPointer(start: buffer, count: n)
            sha.update(bufferPointer: chunk)
            if md5 { md.update(bufferPointer: chunk) }
            position += Int64(n)
            remaining -= Int64(n)
        }
        sha256Hex = SigV4Signer.hex(sha.finalize())
        if md5 {
            let digest = Data(md.finalize())
            md5Hex = SigV4Signer.hex(digest)
            md5Base64 = digest.base64EncodedString()
        } else {
            md5Hex = ""
            md5Base64 = ""
        }
    }
}
