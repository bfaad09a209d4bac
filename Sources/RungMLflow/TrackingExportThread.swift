import Foundation
import RungCore
import RungStore
import RungBlob
import RungArtifacts

/// Runs a `TrackingExporter` on its own thread, off the head's loop: the head nudges it
/// after each pass, it reads the store through its own read-only connection, and the marks
/// it moves wait in `takeMarks()` for the head to write them in its next transaction (the
/// head is the store's only writer). When the tracking server is down or refuses a write,
/// it retries with exponential back-off (0.5 s doubling up to `maxBackoff`) and the sweep
/// carries on unaffected.
public final class TrackingExportThread: @unchecked Sendable {
    // Everything below `condition` is guarded by it.
    private let condition = NSCondition()
    private var nudged = false
    private var stopping = false
    private var marks: [TrackingMark] = []
    private var lastBacklog: TrackingBacklog?
    private var failures = 0
    private var passes = 0
    private var finished = false
    private var movedAny = false

    private let storeURL: String
    private let artifactsURI: String?
    private let defaultTracking: TrackingSettings?
    private let log: @Sendable (String) -> Void
    private let pollSeconds: Double
    private let maxBackoff: Double
    private let timeout: Double

    /// An export of the store at `storeURL` (opened read-only on the thread); sweeps without
    /// a `tracking:` section go to `defaultTracking` when given.
    /// With `artifactsURI`, the model versions of exported sweeps go to MLflow's registry too.
    public init(storeURL: String, artifactsURI: String? = nil, defaultTracking: TrackingSettings?, pollSeconds: Double = 1,
                maxBackoff: Double = 30, timeout: Double = 10, log: @escaping @Sendable (String) -> Void) {
        self.storeURL = storeURL
        self.artifactsURI = artifactsURI
        self.defaultTracking = defaultTracking
        self.pollSeconds = pollSeconds
        self.maxBackoff = maxBackoff
        self.timeout = timeout
        self.log = log
    }

    /// Starts the thread.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "rung-mlflow-export"
        thread.start()
    }

    /// Asks for a pass soon (the head calls it after each pass that changed something).
    public func nudge() {
        condition.lock()
        nudged = true
        condition.signal()
        condition.unlock()
    }

    /// The marks moved since the last call, oldest first, for the head to write.
    public func takeMarks() -> [TrackingMark] {
        condition.lock()
        defer { condition.unlock() }
        let taken = marks
        marks.removeAll()
        return taken
    }

    /// How many moved marks wait for the head to take them.
    public var pendingMarks: Int {
        condition.lock()
        defer { condition.unlock() }
        return marks.count
    }

    /// What was left after the last pass (nil before the first pass finished).
    public var backlog: TrackingBacklog? {
        condition.lock()
        defer { condition.unlock() }
        return lastBacklog
    }

    /// Whether any mark moved (something was exported) since the thread started.
    public var exported: Bool {
        condition.lock()
        defer { condition.unlock() }
        return movedAny
    }

    /// Failed passes in a row (0 while the server answers).
    public var consecutiveFailures: Int {
        condition.lock()
        defer { condition.unlock() }
        return failures
    }

    /// Stops the thread after its current pass and waits for it (at most `seconds`).
    public func stop(waiting seconds: Double = 15) {
        condition.lock()
        stopping = true
        condition.broadcast()
        let deadline = Date().addingTimeInterval(seconds)
        while !finished && condition.wait(until: deadline) {}
        condition.unlock()
    }

    /// Waits until a pass that started after this call left nothing to export, or until
    /// `deadline`; returns whether the backlog reached zero.
    public func waitUntilCaughtUp(deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let start = passes
        nudged = true
        condition.broadcast()
        while Date() < deadline {
            if passes > start + 1, lastBacklog?.isEmpty == true, failures == 0 { return true }
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.1)))
            nudged = true
            condition.broadcast()
        }
        return false
    }

    private func run() {
        defer {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        var exporter: TrackingExporter?
        var registryExporter: RegistryExporter?
        var store: (any Store)?
        var backoff = 0.0
        var lastError = ""
        var lastBacklogAt = Date.distantPast
        var lastBacklogValue: TrackingBacklog?
        // Every mark moved in this process, latest per run: a new exporter (after a store
        // error) starts from these, not only from the store, which may not have them yet.
        var moved: [TrackingKey: TrackingMark] = [:]
        while true {
            condition.lock()
            let wait = backoff > 0 ? backoff : pollSeconds
            let deadline = Date().addingTimeInterval(wait)
            while !stopping && (!nudged || backoff > 0) && condition.wait(until: deadline) {}
            nudged = false
            let stop = stopping
            condition.unlock()
            if stop { break }
            do {
                if exporter == nil {
                    let opened = try openStore(url: storeURL, readOnly: true)
                    store = opened
                    exporter = try TrackingExporter(store: opened, defaultTracking: defaultTracking, timeout: timeout,
                                                    saveMarks: { [self] marksMoved in
                        for mark in marksMoved { moved[TrackingKey(sweep: mark.sweepID, trial: mark.trialID)] = mark }
                        condition.lock()
                        marks += marksMoved
                        movedAny = movedAny || !marksMoved.isEmpty
                        condition.unlock()
                    }, log: log)
                    exporter?.adopt(Array(moved.values))
                    exporter?.isCancelled = { [self] in
                        condition.lock()
                        defer { condition.unlock() }
                        return stopping
                    }
                    if let artifactsURI {
                        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("rung-mlflow-models-\(getpid())")
                        registryExporter = RegistryExporter(registry: Registry(store: opened, blobs: try openBlobStore(uri: artifactsURI),
                                                                               cacheDirectory: cache),
                                                            store: opened, log: log)
                    }
                }
                let pass = try exporter!.exportPass()
                if let registryExporter { _ = try exporter!.exportModels(with: registryExporter) }
                // The backlog reads every trial row of the exported sweeps: at most once a
                // second under load, and always when a pass found nothing left to write.
                let idle = pass.runsCreated == 0 && pass.metricsWritten == 0 && pass.runsEnded == 0
                let left: TrackingBacklog
                if idle || Date().timeIntervalSince(lastBacklogAt) >= 1 || lastBacklogValue?.isEmpty != false {
                    left = try exporter!.backlog()
                    lastBacklogAt = Date()
                    lastBacklogValue = left
                } else {
                    left = lastBacklogValue!
                }
                condition.lock()
                lastBacklog = left
                failures = 0
                passes += 1
                // A pass that wrote something may have left more (a capped pass): go on at once.
                if !idle { nudged = true }
                condition.broadcast()
                condition.unlock()
                if backoff > 0 { log("mlflow export: the tracking server answers again; caught up") }
                backoff = 0
                lastError = ""
            } catch {
                let text = "\(error)"
                let left = try? exporter?.backlog()
                condition.lock()
                failures += 1
                passes += 1
                if let left { lastBacklog = left }
                condition.broadcast()
                condition.unlock()
                backoff = backoff == 0 ? 0.5 : min(maxBackoff, backoff * 2)
                if text != lastError {
                    log("mlflow export: \(text); retrying with back-off (the sweep is not affected)")
                    lastError = text
                }
                if !(error is MLflowError) {
                    // A store problem: reopen on the next try.
                    exporter = nil
                    store?.close()
                    store = nil
                }
            }
        }
        store?.close()
    }
}

/// A run's key among the export marks: its sweep and trial id (0: the sweep's parent run).
struct TrackingKey: Hashable {
    var sweep: Int64
    var trial: Int64
}
