import Foundation
import RungCore
import RungWire

/// Asks the head for `top` snapshots on its own thread (the ZeroMQ socket lives and dies
/// there), so the screen keeps answering keys while a request waits on a slow or absent
/// head. The latest answer is picked up with `take()`; `poke()` asks again at once.
public final class SnapshotFetcher: @unchecked Sendable {
    /// What the last request brought.
    public enum Result: Sendable {
        case snapshot(TopSnapshot)
        case failed(RungError)
    }

    private let endpoint: String
    private let interval: Double
    private let timeoutMillis: Int32
    /// The CURVE key directory the client authenticates with (nil: `$RUNG_KEYS` or none).
    private let keys: String?
    private let condition = NSCondition()
    private var request: TopViewState
    private var latest: Result?
    private var poked = false
    private var stopped = false
    private var thread: Thread?

    /// A fetcher asking the head at `endpoint` every `interval` seconds (each request waiting up to `timeoutMillis`) for what `state` shows.
    public init(endpoint: String, interval: Double, timeoutMillis: Int32, keys: String?, state: TopViewState) {
        self.keys = keys
        self.endpoint = endpoint
        self.interval = interval
        self.timeoutMillis = timeoutMillis
        request = state
    }

    /// Starts asking.
    public func start() {
        let thread = Thread { [self] in loop() }
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    /// Stops asking (the thread ends after its current request).
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Asks again now with the person's new choices.
    public func poke(_ state: TopViewState) {
        condition.lock()
        request = state
        poked = true
        condition.broadcast()
        condition.unlock()
    }

    /// The newest result since the last call, if any.
    public func take() -> Result? {
        condition.lock()
        defer { condition.unlock() }
        let result = latest
        latest = nil
        return result
    }

    private func loop() {
        var client: HeadClient?
        while true {
            condition.lock()
            if stopped { condition.unlock(); return }
            let state = request
            poked = false
            condition.unlock()

            let result: Result
            do {
                if client == nil { client = try HeadClient(endpoint: endpoint, timeoutMillis: timeoutMillis, keys: keys) }
                result = .snapshot(try TopRequest.fetch(client!, state: state))
            } catch let error as RungError {
                // A fresh socket after a failure: a late reply must not answer the next request.
                if error.kind == .unavailable { client = nil }
                result = .failed(error)
            } catch {
                client = nil
                result = .failed(RungError.unavailable("\(error)"))
            }

            condition.lock()
            latest = result
            let deadline = Date().addingTimeInterval(interval)
            while !stopped && !poked && Date() < deadline { _ = condition.wait(until: deadline) }
            condition.unlock()
        }
    }
}

/// The `top` control request for a view state.
public enum TopRequest {
    /// The request for what `state` shows.
    public static func request(for state: TopViewState) -> TopSnapshotRequest {
        TopSnapshotRequest(sweep: state.sweep, family: state.family, sort: state.sort.rawValue, limit: 200)
    }

    /// Asks `client` for one snapshot of what `state` shows.
    public static func fetch(_ client: HeadClient, state: TopViewState) throws -> TopSnapshot {
        try client.send(request(for: state))
    }
}
