import CZeroMQ
import Foundation
import RungCore
import RungData
import RungStorage
import RungWire

/// The head: one event loop around `zmq_poll` that owns the ROUTER socket, every sweep's
/// searchers and schedulers, the worker table and the store. No locks: everything here is
/// touched only by the thread that calls `run`/`runOnce` (the thread that created it).
///
/// Every state change is written to the store (one transaction per loop pass) before the
/// messages that acknowledge it are sent.
public final class Head {
    public let options: HeadOptions
    let store: any Store
    let blobs: any BlobStore
    let registry: Registry
    /// The artifacts location as workers are told it: a local path or a remote URI.
    let artifactsURI: String
    /// A private local directory for files on their way to or from a remote artifacts store.
    let scratch: URL
    let context: ZMQContext
    let router: ZMQSocket
    /// The ZAP handler deciding which CURVE keys get in; nil without keys.
    let zap: ZAPHandler?
    /// When a message from a key removed from `authorized/` was last logged, by key name.
    var revokedLogged: [String: Date] = [:]
    /// The endpoint actually bound (with the real port when listening on `:*`).
    public let endpoint: String

    /// What `rung top` shows, fed by every write to `store` (see `MonitoredStore`).
    let monitor = HeadMonitor()
    var workers = WorkerTable()
    var sweeps: [Int64: SweepRuntime] = [:]
    /// Sweeps in submission order; slots are shared round-robin over them.
    var sweepOrder: [Int64] = []
    var nextSweep = 0
    /// Every live trial by global id.
    var live: [Int64: LiveTrial] = [:]
    var outbox: [(identity: [UInt8], message: WireMessage)] = []
    var pendingEpochs: [EpochRecord] = []
    var lastHeartbeat = Date.distantPast
    /// After a restart, trials that were running wait this long for their workers to re-attach them.
    var holdRestartsUntil = Date.distantPast
    /// Frames dropped because they could not be decoded, by reason.
    public private(set) var droppedFrames: [String: Int] = [:]
    /// Called with one line per notable event (joins, losses, trial ends, sweep ends).
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(("rung head: " + $0 + "\n").utf8)) }
    /// Whether every finished trial gets a log line (a live progress display turns this off).
    public var logFinishedTrials = true
    /// Called after each loop pass that changed a sweep (for progress displays).
    public var onProgress: ((Head) -> Void)?

    /// A trial that is running, queued to run again, or paused, as the loop tracks it.
    struct LiveTrial {
        var record: TrialRecord
        let sweepID: Int64
        let familyIndex: Int
        let number: Int
        /// The highest epoch already fed to the searcher and scheduler.
        var fedEpoch = 0
        /// Waiting for `done` after a pause decision.
        var pausing = false
        /// The decision sent at the latest milestone, repeated if the worker asks again.
        var lastDecision: (epoch: UInt32, verdict: Verdict)?
    }

    /// Opens the store's writer side and binds the ROUTER socket.
    public init(options: HeadOptions, store: any Store) throws {
        self.options = options
        self.store = MonitoredStore(store, monitor: monitor)
        blobs = try openBlobStore(uri: options.artifacts)
        if let local = (blobs as? FileBlobStore)?.root {
            try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
            artifactsURI = local.path
        } else {
            artifactsURI = blobs.rootURI
        }
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("rung-head-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        registry = Registry(store: store, blobs: blobs)
        let context = try ZMQContext()
        self.context = context
        // The ZAP handler is bound before the ROUTER so that no handshake happens without it.
        zap = try options.keys.map { try ZAPHandler(context: context, keys: $0) }
        router = try ZMQSocket(context: context, type: .router)
        if let keys = options.keys { try router.makeCurveServer(secretKey: keys.keyPair.secretKey) }
        try router.setMaxMessageSize(Int64(WireFormat.maxFrameBytes))
        try router.setOption(ZMQ_ROUTER_MANDATORY, Int32(1))
        try router.setOption(ZMQ_SNDHWM, Int32(100_000))
        try router.setOption(ZMQ_RCVHWM, Int32(100_000))
        try router.bind(options.listen)
        endpoint = try router.lastEndpoint()
        try recover()
        // A worker notices the old head is gone after lostAfter of silence, then says hello
        // every 2 s: wait for two such rounds (a loaded host may miss one) before running a
        // recovered trial elsewhere, or it could run twice.
        holdRestartsUntil = Date().addingTimeInterval(2 * Double(options.lostAfterMillis) / 1000 + 4)
        zap?.log = { [unowned self] in self.log($0) }
    }

    deinit {
        router.close()
        zap?.socket.close()
        try? FileManager.default.removeItem(at: scratch)
    }

    /// CURVE handshakes refused so far (0 without keys).
    public var refusedHandshakes: Int { zap?.refused ?? 0 }

    // MARK: - The loop

    /// Runs loop passes until `shouldStop` returns true (checked after every pass).
    public func run(until shouldStop: (Head) -> Bool) throws {
        while !shouldStop(self) { try runOnce(timeoutMillis: 100) }
    }

    /// One pass: wait up to `timeoutMillis` for messages, handle every waiting message,
    /// check heartbeats, fill free slots, write the store, then send.
    public func runOnce(timeoutMillis: Int) throws {
        _ = try ZMQPoller([router] + (zap.map { [$0.socket] } ?? [])).poll(timeoutMilliseconds: timeoutMillis)
        try zap?.serve()
        var changed = false
        try store.transaction {
            var handled = 0
            while handled < 10_000, let received = try router.receive(dontWait: true, metadata: zap == nil ? [] : ["User-Id"]) {
                handled += 1
                try handle(received.frames, key: received.metadata["User-Id"])
            }
            changed = handled > 0
            try checkHeartbeats(now: Date())
            try fillSlots()
            try finishDoneSweeps()
            if !pendingEpochs.isEmpty {
                try store.recordEpochs(pendingEpochs)
                pendingEpochs.removeAll(keepingCapacity: true)
            }
        }
        flush()
        if changed { onProgress?(self) }
    }

    func send(_ message: WireMessage, to worker: String) {
        guard let identity = workers[worker]?.identity else { return }
        outbox.append((identity, message))
    }

    private func flush() {
        for (identity, message) in outbox {
            // A peer that vanished makes ROUTER_MANDATORY report false: the heartbeat check handles it.
            _ = try? router.send([identity, WireFormat.encode(message)], dontWait: true)
        }
        outbox.removeAll(keepingCapacity: true)
    }

    /// Handles one message; `key` is the ZAP user id (the name of the peer's key) with CURVE.
    private func handle(_ frames: [[UInt8]], key: String?) throws {
        if let zap, let key, !zap.isAuthorized(name: key) {
            // The key was removed from authorized/ while its peer stayed connected: ignore it,
            // so a worker is declared lost after the usual silence and a client gets no answer.
            let now = Date()
            if now.timeIntervalSince(revokedLogged[key] ?? .distantPast) >= 60 {
                revokedLogged[key] = now
                log("ignoring messages from key \(key): it is no longer in the authorized directory")
            }
            return
        }
        guard frames.count == 2 else {
            drop("a message of \(frames.count) frames (expected 2)", from: frames.first)
            return
        }
        let identity = frames[0]
        let message: WireMessage
        do {
            message = try WireFormat.decode(frames[1])
        } catch let error as WireError {
            drop(error.description, from: identity)
            return
        }
        if case .hello(let hello) = message {
            try handleHello(hello, identity: identity, key: key)
            return
        }
        if case .control(let json) = message {
            outbox.append((identity, .controlReply(json: handleControl(json, key: key))))
            return
        }
        guard let name = workers.name(forIdentity: identity) else {
            // An unknown peer (e.g. a worker from before a head restart) must say hello first;
            // it gets no answer, so it notices and does. Results of a trial the head is
            // waiting to re-attach are kept, though: they may be the trial's last words.
            if try !adoptOrphanResult(message, identity: identity) {
                drop("\(message.kindName) from a peer that has not said hello", from: identity)
            }
            return
        }
        workers[name]?.lastHeard = Date()
        switch message {
        case .heartbeat: break
        case .epochReport(let report): try handleReport(report, from: name)
        case .done(let done): try handleDone(done, from: name)
        case .failed(let failed): try handleFailed(failed, from: name)
        case .drain: try workerLeft(name, reason: "drained")
        default: drop("\(message.kindName) is not a worker-to-head message", from: identity)
        }
    }

    /// A routing id for a log line: the text when it is printable, else hex.
    static func describe(_ identity: [UInt8]?) -> String {
        guard let identity, !identity.isEmpty else { return "?" }
        if let text = String(validating: identity, as: UTF8.self), text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
            return text
        }
        return "0x" + identity.map { String(format: "%02x", $0) }.joined()
    }

    /// After a head restart a worker may report on a trial (its last epoch, its `done`)
    /// before it says hello again. If the trial is one the head recovered and is holding for
    /// its worker, the worker named by the routing id re-attaches it and the result counts,
    /// so the trial is neither lost nor run twice.
    private func adoptOrphanResult(_ message: WireMessage, identity: [UInt8]) throws -> Bool {
        let trialID: UInt64
        switch message {
        case .epochReport(let r): trialID = r.trialID
        case .done(let d): trialID = d.trialID
        default: return false
        }
        let name = String(decoding: identity, as: UTF8.self)
        guard !name.isEmpty, try reattach(Int64(bitPattern: trialID), to: name) else { return false }
        switch message {
        case .epochReport(let r): try handleReport(r, from: name)
        case .done(let d): try handleDone(d, from: name)
        default: break
        }
        return true
    }

    func drop(_ reason: String, from identity: [UInt8]?) {
        let key = reason.split(separator: ":").first.map(String.init) ?? reason
        droppedFrames[key, default: 0] += 1
        log("dropped a frame from \(Self.describe(identity)): \(reason)")
    }

    // MARK: - Workers

    private func handleHello(_ hello: WorkerHello, identity: [UInt8], key: String?) throws {
        let now = Date()
        let name = hello.name.isEmpty ? String(decoding: identity, as: UTF8.self) : hello.name
        let previous = workers.remove(name)
        var entry = WorkerEntry(identity: identity, name: name, host: hello.host, slots: Int(hello.slots),
                                families: Set(hello.families), lastHeard: now, key: key)
        let stillRunning = Set(hello.running.map { Int64(bitPattern: $0) })
        // Trials the head thought this worker had but it no longer runs: requeue.
        for id in previous?.running ?? [] where !stillRunning.contains(id) {
            try requeue(id, reason: "worker \(name) restarted")
        }
        // Trials the worker still runs: re-attach when the head expects them, else cancel.
        for id in stillRunning {
            if try reattach(id, to: name) {
                entry.running.insert(id)
            } else {
                outbox.append((identity, .cancel(trialID: UInt64(bitPattern: id))))
            }
        }
        workers[name] = entry
        try store.saveWorker(WorkerRecord(name: name, host: hello.host, slots: Int(hello.slots), status: .active,
                                          firstSeen: now, lastSeen: now))
        outbox.append((identity, .welcome(Welcome(heartbeatMillis: options.heartbeatMillis,
                                                  lostAfterMillis: options.lostAfterMillis,
                                                  artifactsURI: artifactsURI))))
        log("worker \(name) joined from \(hello.host) with \(hello.slots) slot\(hello.slots == 1 ? "" : "s")"
            + (key.map { " (key \($0))" } ?? "")
            + (stillRunning.isEmpty ? "" : ", still running \(stillRunning.count) trial(s)"))
    }

    private func checkHeartbeats(now: Date) throws {
        let lostAfter = Double(options.lostAfterMillis) / 1000
        for name in workers.silent(since: lostAfter, now: now) {
            try workerLost(name)
        }
        if now.timeIntervalSince(lastHeartbeat) * 1000 >= Double(options.heartbeatMillis) {
            lastHeartbeat = now
            for name in workers.names {
                send(.heartbeat(Heartbeat(running: workers[name]!.running.sorted().map { UInt64(bitPattern: $0) })), to: name)
                try store.saveWorker(WorkerRecord(name: name, host: workers[name]!.host, slots: workers[name]!.slots,
                                                  status: workers[name]!.draining ? .draining : .active,
                                                  firstSeen: now, lastSeen: workers[name]!.lastHeard))
            }
        }
    }

    private func workerLost(_ name: String) throws {
        guard let entry = workers.remove(name) else { return }
        log("worker \(name) lost (silent for \(options.lostAfterMillis) ms); requeueing \(entry.running.count) trial(s)")
        for id in entry.running.sorted() { try requeue(id, reason: "worker \(name) was lost") }
        try markWorker(entry, status: .lost)
    }

    func workerLeft(_ name: String, reason: String) throws {
        guard let entry = workers.remove(name) else { return }
        for id in entry.running.sorted() { try requeue(id, reason: "worker \(name) left") }
        try markWorker(entry, status: .left)
        log("worker \(name) left (\(reason))")
    }

    private func markWorker(_ entry: WorkerEntry, status: WorkerRecord.Status) throws {
        let now = Date()
        try store.saveWorker(WorkerRecord(name: entry.name, host: entry.host, slots: entry.slots, status: status,
                                          firstSeen: now, lastSeen: entry.lastHeard))
    }

    /// Asks a worker to finish its trials and leave.
    public func drain(worker name: String) -> Bool {
        guard workers[name] != nil else { return false }
        workers[name]?.draining = true
        send(.drain, to: name)
        return true
    }

    /// Asks every worker to finish and leave (used by `rung run` at the end).
    public func drainAll() {
        for name in workers.names { _ = drain(worker: name) }
    }

    /// How many workers are connected.
    public var workerCount: Int { workers.byName.count }
}

extension WireMessage {
    /// The message's type name, for log lines.
    var kindName: String {
        switch self {
        case .hello: return "hello"
        case .welcome: return "welcome"
        case .heartbeat: return "heartbeat"
        case .assign: return "assign"
        case .epochReport: return "epoch_report"
        case .decision: return "decision"
        case .done: return "done"
        case .failed: return "failed"
        case .cancel: return "cancel"
        case .drain: return "drain"
        case .control: return "control"
        case .controlReply: return "control_reply"
        }
    }
}
