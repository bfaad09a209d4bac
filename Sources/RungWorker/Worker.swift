import Foundation
import RungCore

/// A rung worker: joins a head over ZeroMQ, runs the trials it is assigned in parallel
/// slots (one thread each), streams their epoch reports, and uploads their models.
///
/// `run()` blocks the calling thread (which owns the worker's sockets) until the worker has
/// drained — on the head's `drain`, or after one `requestStop()`/SIGINT/SIGTERM — or left at
/// once after a second one. `requestStop()` may be called from any thread; everything else
/// the worker touches from several threads is behind locks, hence `@unchecked Sendable`.
public final class Worker: @unchecked Sendable {
    /// The worker's settings.
    public let options: WorkerOptions
    /// The data cache its slots share.
    public let cache: DataCache
    private let log: WorkerLog
    private let stopRequest = StopRequest()

    /// Creates a worker; throws `RungError.usage` for unusable options.
    public init(options: WorkerOptions, log: WorkerLog? = nil) throws {
        try options.validate()
        self.options = options
        self.log = log ?? .standardError(name: options.name)
        cache = DataCache(root: options.cacheDirectory)
    }

    /// Asks the worker to drain (first call) or to leave at once, cancelling its running
    /// trials (second call), like SIGINT/SIGTERM.
    public func requestStop() { stopRequest.request() }

    /// Joins the head and works until drained or stopped; returns what it did. With
    /// `handlingSignals`, SIGINT and SIGTERM act as `requestStop()` while it runs.
    @discardableResult
    public func run(handlingSignals: Bool = false) throws -> WorkerSummary {
        var watcher: SignalWatcher?
        if handlingSignals {
            let stop = stopRequest
            let log = self.log
            watcher = SignalWatcher { number in
                let name = number == SIGINT ? "SIGINT" : "SIGTERM"
                stop.request()
                log(stop.requests == 1 ? "received \(name): draining (send it again to leave at once)"
                                       : "received \(name) again: leaving at once")
            }
        }
        defer { watcher?.cancel() }
        let loop = try WorkerLoop(options: options, log: log, cache: cache, stopRequest: stopRequest)
        return try loop.run()
    }
}
