import Foundation
import RungCore
import RungData
import RungBlob
import RungStore
import RungArtifacts
import RungWire
import RungLogging

/// The head: a shell around the `TrialBook`. One event loop owns a transport (the ZeroMQ
/// ROUTER), the book, the store and the artifacts; each pass decodes what arrived, lets the
/// book decide, writes the book's effects to the store in one transaction, and only then
/// sends. No locks: everything here is touched only by the thread that calls `run`/`runOnce`.
/// docs/architecture.md describes one pass.
public final class Head {
    public let options: HeadOptions
    let store: MonitoredStore
    let blobs: any BlobStore
    let registry: Registry
    /// The artifacts location as workers are told it: a local path or a remote URI.
    let artifactsURI: String
    /// A private local directory for files on their way to or from a remote artifacts store.
    let scratch: URL
    /// Where frames come from and go to.
    let transport: any HeadTransport
    /// Where the head reads the time.
    let clock: any HeadClock
    /// The helper thread for data preparation and model registration.
    let slowWork: SlowWork
    /// Sweeps whose data is being resolved or prepared, by id: not yet scheduling.
    var preparing: [Int64: String] = [:]
    /// Sweeps whose best models are being copied into the registry, by id.
    var registering: [Int64: String] = [:]
    /// The version numbers registrations in flight will take, by family.
    var reservedVersions: [String: Int] = [:]
    /// Every fact about trials and workers, and the transitions between them.
    var book: TrialBook
    /// The endpoint actually bound (with the real port when listening on `:*`).
    public var endpoint: String { transport.endpoint }

    /// What `rung top` shows, fed by every write to `store` (see `MonitoredStore`).
    let monitor = HeadMonitor()
    /// Messages to send once the pass's transaction has committed.
    var outbox: [(identity: [UInt8], message: WireMessage)] = []
    /// Epoch results of this pass, written in one batch.
    var pendingEpochs: [EpochRecord] = []
    /// Sweeps that ended in this pass, closed (and registered) after its effects are applied.
    var endedSweeps: [SweepEnd] = []
    /// Frames dropped because they could not be decoded or were not expected, by reason.
    public private(set) var droppedFrames: [String: Int] = [:]
    /// A peer whose dropped frames are being counted rather than logged one by one.
    struct DropLog {
        /// When its window began (with a logged line).
        var since: Date
        /// Frames dropped since then and not logged.
        var more = 0
    }
    /// The peers with a drop-log window open.
    var dropLogs: [[UInt8]: DropLog] = [:]
    /// Called with one line per notable event (joins, losses, trial ends, sweep ends).
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(("rung head: " + $0 + "\n").utf8)) } {
        didSet { (transport as? RouterTransport)?.log = log }
    }
    /// Whether every finished trial gets a log line (a live progress display turns this off).
    public var logFinishedTrials: Bool {
        get { book.logFinishedTrials }
        set { book.logFinishedTrials = newValue }
    }
    /// Where trial and worker events go with their sweep, trial and worker as fields
    /// (swift-log with `--log-format`); nil: to `log` as plain lines.
    public var logEvent: ((LogLine) -> Void)?
    /// Called after each loop pass that changed a sweep (for progress displays).
    public var onProgress: ((Head) -> Void)?
    /// Observers of every pass (MLflow export, metrics): see `HeadPassObserver`.
    public var passObservers: [any HeadPassObserver] = []
    /// The effects of the current pass, collected only while there are observers.
    var passEffects: [HeadEffect] = []
    /// Loop passes so far that carried trial messages from workers (for `HeadFailpoint`).
    var passesWithTrialMessages = 0
    /// A pass the store could not commit, while the head waits for the store to come back.
    var stall: StoreStall?
    /// What is wrong with the store while the head waits for it, for `status`, `top` and logs.
    public var storeProblem: String? { stall?.problem }

    /// Opens the store's writer side, binds a ZeroMQ ROUTER on `options.listen` and
    /// resumes the store's unfinished sweeps.
    public convenience init(options: HeadOptions, store: any Store) throws {
        let clock = SystemClock()
        try self.init(options: options, store: store,
                      transport: RouterTransport(listen: options.listen, keys: options.keys, clock: clock), clock: clock)
    }

    /// A head over any transport and clock (tests use `InMemoryTransport` and `ManualClock`).
    /// With `inlineSlowWork`, data preparation runs on the calling thread (deterministic
    /// tests); its result is still applied by a later loop pass.
    public init(options: HeadOptions, store: any Store, transport: any HeadTransport, clock: any HeadClock,
                inlineSlowWork: Bool = false) throws {
        self.options = options
        slowWork = SlowWork(inline: inlineSlowWork)
        self.store = MonitoredStore(store, monitor: monitor)
        self.transport = transport
        self.clock = clock
        blobs = try openBlobStore(uri: options.artifacts)
        if let local = (blobs as? FileBlobStore)?.root {
            try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
            artifactsURI = local.path
        } else {
            artifactsURI = blobs.rootURI
        }
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("rung-head-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        registry = Registry(store: self.store, blobs: blobs)
        book = TrialBook(settings: TrialBook.Settings(heartbeatMillis: options.heartbeatMillis,
                                                      lostAfterMillis: options.lostAfterMillis,
                                                      retryLimit: options.retryLimit, artifactsURI: artifactsURI,
                                                      maxWorkerSlots: options.maxWorkerSlots),
                         firstTrialID: try store.largestTrialID() + 1)
        try recover()
        // A worker notices the old head is gone after lostAfter of silence, then says hello
        // every 2 s: wait for two such rounds (a loaded host may miss one) before running a
        // recovered trial elsewhere, or it could run twice.
        book.holdRestarts(until: clock.now().addingTimeInterval(2 * Double(options.lostAfterMillis) / 1000 + 4))
        (transport as? RouterTransport)?.log = log
    }

    deinit {
        transport.close()
        try? FileManager.default.removeItem(at: scratch)
    }

    /// CURVE handshakes refused so far (0 without keys).
    public var refusedHandshakes: Int { transport.refusedHandshakes }

    /// The ZAP handler of a ROUTER transport with keys.
    var zap: ZAPHandler? { (transport as? RouterTransport)?.zap }
    /// The connected workers (read by the control plane).
    var workers: WorkerTable { book.workers }
    /// The running sweeps (read by the control plane).
    var sweeps: [Int64: SweepRuntime] { book.sweeps }

    // MARK: - The loop

    /// Runs loop passes until `shouldStop` returns true (checked after every pass).
    public func run(until shouldStop: (Head) -> Bool) throws {
        while !shouldStop(self) { try runOnce(timeoutMillis: 100) }
    }

    /// One pass: wait up to `timeoutMillis` for messages, hand every waiting message to the
    /// book, let time pass in the book (heartbeats, free slots, ended sweeps), write the
    /// effects to the store in one transaction, then send. While the store cannot commit, a
    /// pass only retries the stalled commit and answers what needs no store (`runStalled`).
    public func runOnce(timeoutMillis: Int) throws {
        if stall != nil {
            try runStalled(timeoutMillis: timeoutMillis)
            return
        }
        try transport.wait(timeoutMillis: timeoutMillis)
        let started = DispatchTime.now()
        var changed = false
        do {
            try store.transaction {
                try slowWork.runFinished()
                var handled = 0
                // After a write the store could not take, the rest of the pass is only
                // journalled: take no more messages, let the workers send them again.
                var trialMessages = 0
                while handled < 10_000, store.failure == nil, let received = try transport.receive() {
                    handled += 1
                    if try handle(received) { trialMessages += 1 }
                }
                if trialMessages > 0 { passesWithTrialMessages += 1 }
                changed = handled > 0
                if store.failure == nil { try apply(book.tick(now: clock.now())) }
                try closeEndedSweeps()
                try writeEpochs()
                try observersWillCommit()
                if case .killBeforeCommit(let pass) = options.failpoint, passesWithTrialMessages == pass, trialMessages > 0 {
                    log("failpoint kill-before-commit:\(pass): killing the head before this pass commits")
                    kill(getpid(), SIGKILL)
                }
            }
        } catch let deferred as DeferredPass {
            pendingEpochs.removeAll(keepingCapacity: true)
            beginStall(deferred)
            return
        }
        let committed = DispatchTime.now()
        flush()
        observersCommitted(startedAt: started, committedAt: committed, handled: changed)
        summariseOldDrops()
        if changed { onProgress?(self) }
    }

    /// Performs the book's effects: store writes now (inside the pass's transaction), sends
    /// after the commit, log lines at once.
    func apply(_ effects: [HeadEffect]) throws {
        if !passObservers.isEmpty { passEffects += effects }
        for effect in effects {
            switch effect {
            case .send(let message, let identity):
                outbox.append((identity, message))
            case .createTrial(let record):
                let created = try store.createTrial(record)
                guard created.id == record.id else {
                    throw RungError.internalFailure("store \(store.location) gave trial \(record.id) the id \(created.id)")
                }
            case .saveTrial(let record):
                try store.updateTrial(record)
            case .recordEpoch(let epoch):
                pendingEpochs.append(epoch)
            case .saveWorker(let worker):
                try store.saveWorker(worker)
            case .sweepEnded(let end):
                endedSweeps.append(end)
            case .dropped(let reason, let identity):
                drop(reason, from: identity)
            case .log(let line):
                log(line)
            case .event(let event):
                if let logEvent { logEvent(event) } else { log(event.text) }
            }
        }
    }

    private func writeEpochs() throws {
        guard !pendingEpochs.isEmpty else { return }
        try store.recordEpochs(pendingEpochs)
        pendingEpochs.removeAll(keepingCapacity: true)
    }

    /// Sends what the committed pass produced. Acknowledgements are merged: one `ack` per
    /// worker per pass, with the highest sequence number of each trial.
    func flush() {
        var acks: [[UInt8]: [UInt64: UInt64]] = [:]
        var ackOrder: [[UInt8]] = []
        for (identity, message) in outbox {
            if case .ack(let list) = message {
                if acks[identity] == nil { ackOrder.append(identity) }
                for ack in list { acks[identity, default: [:]][ack.trialID] = max(acks[identity]?[ack.trialID] ?? 0, ack.seq) }
                continue
            }
            _ = transport.send([identity, WireFormat.encode(message)])
        }
        for identity in ackOrder {
            let list = (acks[identity] ?? [:]).sorted { $0.key < $1.key }.map { DeliveryAck(trialID: $0.key, seq: $0.value) }
            _ = transport.send([identity, WireFormat.encode(.ack(list))])
        }
        outbox.removeAll(keepingCapacity: true)
    }

    /// Decodes one message; control requests are answered here, everything else goes to the
    /// book. Returns whether it was a trial message (report, done, failed).
    @discardableResult
    private func handle(_ received: IncomingFrames) throws -> Bool {
        let frames = received.frames
        guard frames.count == 2 else {
            drop("a message of \(frames.count) frames (expected 2)", from: frames.first)
            return false
        }
        let identity = frames[0]
        let message: WireMessage
        do {
            message = try WireFormat.decode(frames[1])
        } catch let error as WireError {
            drop(error.description, from: identity)
            return false
        }
        if case .control(let json) = message {
            outbox.append((identity, .controlReply(json: handleControl(json, key: received.key))))
            return false
        }
        try apply(book.receive(message, from: identity, key: received.key, now: clock.now()))
        switch message {
        case .epochReport, .done, .failed: return true
        default: return false
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

    /// Counts a frame that was not acted on, and logs it: the first from a peer at once,
    /// the rest of that minute as one summary line (so garbage cannot flood the log).
    func drop(_ reason: String, from identity: [UInt8]?) {
        let key = reason.split(separator: ":").first.map(String.init) ?? reason
        droppedFrames[key, default: 0] += 1
        let peer = identity ?? []
        let now = clock.now()
        if var entry = dropLogs[peer], now.timeIntervalSince(entry.since) < Self.dropLogWindow {
            entry.more += 1
            dropLogs[peer] = entry
            return
        }
        summariseDrops(of: peer)
        dropLogs[peer] = DropLog(since: now)
        log("dropped a frame from \(Self.describe(identity)): \(reason)")
    }

    /// Logs how many more frames a peer had dropped in its last window, and forgets it.
    private func summariseDrops(of peer: [UInt8]) {
        guard let entry = dropLogs.removeValue(forKey: peer), entry.more > 0 else { return }
        log("dropped \(entry.more) more frame(s) from \(Self.describe(peer)) within a minute (counted in status' dropped_frames)")
    }

    /// Summarises every peer whose window has passed.
    func summariseOldDrops() {
        guard !dropLogs.isEmpty else { return }
        let now = clock.now()
        for (peer, entry) in dropLogs where now.timeIntervalSince(entry.since) >= Self.dropLogWindow { summariseDrops(of: peer) }
    }

    /// How long one peer's dropped frames share one log line (then a summary follows).
    static let dropLogWindow: TimeInterval = 60

    // MARK: - Workers

    /// Asks a worker to finish its trials and leave.
    public func drain(worker name: String) -> Bool {
        guard let effects = book.drain(worker: name) else { return false }
        try? apply(effects)
        return true
    }

    /// Asks every worker to finish and leave (used by `rung run` at the end).
    public func drainAll() {
        try? apply(book.drainAll())
    }

    /// How many workers are connected.
    public var workerCount: Int { book.workerCount }
}
