import Foundation
import RungCore

/// Holds the model being served and swaps it when the registry's version for the reference
/// changes. A request takes the current model once (`model`) and scores with it, so a swap
/// happens between requests; a version that fails to load is reported once and the old
/// model keeps serving.
///
/// Thread rule for `@unchecked Sendable`: `current`, `failedVersion` and `lastError` are
/// guarded by `lock`; `poll()` runs on the watcher's own thread (or a test's).
public final class ModelWatcher: @unchecked Sendable {
    /// What one poll did.
    public enum PollOutcome: Sendable, Equatable {
        /// The version in the registry is the one served.
        case unchanged
        /// A new version was loaded and is now served.
        case loaded(version: Int)
        /// The new version failed to load; the old one (if any) keeps serving.
        case failed(version: Int?, message: String)
    }

    /// Where versions come from.
    public let source: ModelSource
    private let lock = NSLock()
    private var current: ServedModel?
    private var failedVersion: Int?
    private var lastError: String?
    private var stopped = false
    private let wake = NSCondition()
    private let report: @Sendable (PollOutcome, ServedModel?) -> Void

    /// Creates a watcher; `report` hears every poll that changed something (a load or a failure).
    public init(source: ModelSource, report: @escaping @Sendable (PollOutcome, ServedModel?) -> Void = { _, _ in }) {
        self.source = source
        self.report = report
    }

    /// The model served now, or nil before the first successful load.
    public var model: ServedModel? { lock.withLock { current } }

    /// The last load or look-up error, if the last poll failed.
    public var lastFailure: String? { lock.withLock { lastError } }

    /// Looks the reference up once and loads its version when it differs from the served one.
    @discardableResult
    public func poll() -> PollOutcome {
        let outcome: PollOutcome
        do {
            let version = try source.currentVersion()
            let served = lock.withLock { (current?.version.version, failedVersion, current?.version.family) }
            if served.0 == version.version && served.2 == version.family {
                lock.withLock { lastError = nil }
                return .unchanged
            }
            if served.1 == version.version { return .failed(version: version.version, message: lock.withLock { lastError } ?? "") }
            do {
                let loaded = try source.load(version)
                lock.withLock {
                    current = loaded
                    failedVersion = nil
                    lastError = nil
                }
                outcome = .loaded(version: version.version)
            } catch {
                let message = "cannot load \(version.family)@\(version.version): \(Self.describe(error))"
                lock.withLock {
                    failedVersion = version.version
                    lastError = message
                }
                outcome = .failed(version: version.version, message: message)
            }
        } catch {
            let message = Self.describe(error)
            let repeated = lock.withLock { () -> Bool in
                defer { lastError = message }
                return lastError == message
            }
            if repeated { return .failed(version: nil, message: message) }
            outcome = .failed(version: nil, message: message)
        }
        report(outcome, model)
        return outcome
    }

    /// Polls every `interval` seconds on a thread of its own until `stop()`, calling
    /// `afterPoll` after each poll.
    public func start(interval: Double, afterPoll: @escaping @Sendable () -> Void = {}) {
        let thread = Thread { [self] in
            while true {
                wake.lock()
                if stopped { wake.unlock(); return }
                _ = wake.wait(until: Date().addingTimeInterval(interval))
                let done = stopped
                wake.unlock()
                if done { return }
                poll()
                afterPoll()
            }
        }
        thread.name = "rung-serve-watcher"
        thread.start()
    }

    /// Ends the polling thread.
    public func stop() {
        wake.lock()
        stopped = true
        wake.signal()
        wake.unlock()
    }

    static func describe(_ error: any Error) -> String {
        (error as? RungError)?.message ?? "\(error)"
    }
}
