import Foundation

/// Counts requests to stop a worker (signals, `Worker.requestStop()`): the first makes it
/// drain, the second makes it leave at once. Guarded by a lock, hence `@unchecked Sendable`.
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Records one more request.
    func request() { lock.withLock { count += 1 } }

    /// How many requests were made.
    var requests: Int { lock.withLock { count } }
}
