import Foundation
import RungCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a sidecar file (`<database>.lock`) that makes a store
/// single-writer: the holder writes its pid into the file so a refused opener can say
/// who holds it. The lock is released when the object is closed or deallocated, and by
/// the kernel when the process dies, so a crashed head never leaves a stale lock.
final class WriterLock {
    private var descriptor: Int32
    /// The lock file's path.
    let path: String

    /// Takes the lock or throws "store … is in use by another head (pid …)".
    init(path: String, storeDescription: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw RungError.unavailable("cannot create the lock file \(path) for store \(storeDescription): \(reason)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            var holder = "unknown"
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = pread(fd, &buffer, buffer.count, 0)
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { holder = text }
            }
            close(fd)
            if code == EWOULDBLOCK {
                throw RungError.storeInUse(store: storeDescription, holder: "pid \(holder)")
            }
            throw RungError.unavailable("cannot lock store \(storeDescription) via \(path): \(String(cString: strerror(code)))")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        descriptor = fd
    }

    deinit { release() }

    /// Releases the lock; later calls do nothing.
    func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
