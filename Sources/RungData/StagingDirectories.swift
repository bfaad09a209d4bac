import Foundation

/// The temporary directories of preparations in progress in this process, so that a
/// command stopped by SIGINT or SIGTERM can remove them before it exits (`removeAll()`),
/// keeping the promise that a failure leaves nothing behind.
public enum StagingDirectories {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [UInt64: String] = [:]
    nonisolated(unsafe) private static var next: UInt64 = 0

    /// Records `path` until `remove(_:)` is called with the returned token.
    public static func add(_ path: String) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        paths[next] = path
        return next
    }

    /// Forgets the directory recorded under `token`.
    public static func remove(_ token: UInt64) {
        lock.lock()
        paths[token] = nil
        lock.unlock()
    }

    /// Deletes every recorded directory and forgets them; meant for a signal handler right
    /// before the process exits.
    public static func removeAll() {
        lock.lock()
        let all = Array(paths.values)
        paths.removeAll()
        lock.unlock()
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}
