import Foundation
import RungLogging
import RungCore
import RungStore
import RungWire

/// Every per-trial and per-worker fact the head holds, and the transitions between them, as
/// one value type with no I/O. Each transition takes the time it happens (`now`) and
/// returns the effects the head's shell must perform: messages to send, rows to save, lines
/// to log. The shell (`Head`) decodes frames, calls the book, applies its effects and
/// flushes; tests drive the book directly in virtual time.
///
/// What it owns: the connected workers (`WorkerTable`), the running sweeps with their
/// tuners (`SweepRuntime`, `FamilyRuntime`), every live trial (`LiveTrial`) and the trial-id
/// counter. Trial statuses change only through `move(_:by:now:)`, checked against the one
/// table in `TrialTransition`.
public struct TrialBook: Sendable {
    /// What the book needs to know about the head's settings.
    public struct Settings: Sendable {
        /// How often heartbeats go out.
        public var heartbeatMillis: UInt32
        /// Silence after which a worker is declared lost.
        public var lostAfterMillis: UInt32
        /// How many times a trial is run again before it fails.
        public var retryLimit: Int
        /// The artifacts location as workers are told it.
        public var artifactsURI: String
        /// The most slots a worker may claim; a hello claiming more is refused.
        public var maxWorkerSlots: Int

        /// Settings for a book.
        public init(heartbeatMillis: UInt32, lostAfterMillis: UInt32, retryLimit: Int, artifactsURI: String,
                    maxWorkerSlots: Int = HeadOptions.defaultMaxWorkerSlots) {
            self.heartbeatMillis = heartbeatMillis
            self.lostAfterMillis = lostAfterMillis
            self.retryLimit = retryLimit
            self.artifactsURI = artifactsURI
            self.maxWorkerSlots = maxWorkerSlots
        }
    }

    /// The settings the book was made with.
    public let settings: Settings
    /// The connected workers.
    var workers = WorkerTable()
    /// Running sweeps by id.
    var sweeps: [Int64: SweepRuntime] = [:]
    /// Sweeps in submission order; slots are shared round-robin over them.
    var sweepOrder: [Int64] = []
    /// The round-robin position over `sweepOrder`.
    var nextSweep = 0
    /// Every live trial by global id.
    var live: [Int64: LiveTrial] = [:]
    /// The id the next new trial gets (the head is the store's only writer).
    var nextTrialID: Int64
    /// When heartbeats last went out.
    var lastHeartbeat = Date.distantPast
    /// After a restart, trials that were running wait until then for their workers to re-attach them.
    var holdRestartsUntil = Date.distantPast
    /// Whether every finished trial gets a log line (a live progress display turns this off).
    public var logFinishedTrials = true
    /// Effects of the transition in progress.
    private var effects: [HeadEffect] = []

    /// An empty book whose first new trial gets id `firstTrialID`.
    public init(settings: Settings, firstTrialID: Int64) {
        self.settings = settings
        nextTrialID = max(1, firstTrialID)
    }

    // MARK: - Effects

    /// Runs one transition and returns the effects it produced.
    mutating func transition(_ body: (inout TrialBook) -> Void) -> [HeadEffect] {
        body(&self)
        // Hand the buffer over rather than keep its capacity: the caller holds it while the
        // next transition runs, so a kept capacity would be a fresh allocation of the
        // largest size ever seen on every transition (malloc growing and trimming the heap).
        defer { effects = [] }
        return effects
    }

    mutating func emit(_ effect: HeadEffect) { effects.append(effect) }

    mutating func log(_ line: String) { effects.append(.log(line)) }

    /// A log event with what it concerns.
    mutating func log(_ line: String, sweep: Int64?, trial: Int64? = nil, worker: String? = nil) {
        effects.append(.event(LogLine(line, sweep: sweep, trial: trial, worker: worker)))
    }

    /// Sends `message` to the worker named `worker`, if it is connected.
    mutating func send(_ message: WireMessage, to worker: String) {
        guard let identity = workers[worker]?.identity else { return }
        effects.append(.send(message, to: identity))
    }

    /// Moves a live trial's status by `transition` when the table allows it; an illegal move
    /// changes nothing and is logged. Returns whether the trial moved.
    @discardableResult
    mutating func move(_ id: Int64, by transition: TrialTransition, now: Date) -> Bool {
        guard var trial = live[id] else { return false }
        guard transition.from.contains(trial.record.status) else {
            log("trial \(id): refused to \(transition.rawValue) a \(trial.record.status.rawValue) trial")
            return false
        }
        trial.record.status = transition.to
        if transition.to.isTerminal { trial.record.finishedAt = now }
        live[id] = trial
        return true
    }

    // MARK: - What the shell and the control plane read

    /// Sweeps still running, in submission order.
    public var runningSweeps: [Int64] { sweepOrder.filter { sweeps[$0] != nil } }

    /// Whether a sweep is still scheduling work.
    public func isRunning(sweepID: Int64) -> Bool { sweeps[sweepID] != nil }

    /// How many workers are connected.
    public var workerCount: Int { workers.byName.count }

    /// The status of live trial `id`, or nil when the book no longer tracks it.
    public func status(ofTrial id: Int64) -> TrialRecord.Status? { live[id]?.record.status }

    /// The worker running live trial `id`.
    public func worker(ofTrial id: Int64) -> String? { live[id]?.record.worker }

    /// The live trials of worker `name`, by global id.
    public func trials(onWorker name: String) -> Set<Int64> { workers[name]?.running ?? [] }

    // MARK: - Messages from workers

    /// One decoded message from the peer with routing id `identity`; `key` is the name of its
    /// CURVE key, if any. Control requests are answered by the shell and never reach the book.
    public mutating func receive(_ message: WireMessage, from identity: [UInt8], key: String?, now: Date) -> [HeadEffect] {
        transition { book in book.handle(message, from: identity, key: key, now: now) }
    }

    private mutating func handle(_ message: WireMessage, from identity: [UInt8], key: String?, now: Date) {
        if case .hello(let hello) = message {
            self.hello(hello, identity: identity, key: key, now: now)
            return
        }
        guard let name = workers.name(forIdentity: identity) else {
            // An unknown peer (e.g. a worker from before a head restart) must say hello first;
            // it gets no answer, so it notices and does. Results of a trial the head is
            // waiting to re-attach are kept, though: they may be the trial's last words.
            if !adoptOrphanResult(message, identity: identity, now: now) {
                emit(.dropped(reason: "\(message.kindName) from a peer that has not said hello", from: identity))
            }
            return
        }
        workers[name]?.lastHeard = now
        switch message {
        case .heartbeat: break
        case .epochReport(let report):
            self.report(report, from: name, now: now)
            acknowledge(report.trialID, seq: report.seq, to: name)
        case .done(let done):
            self.done(done, from: name, now: now)
            acknowledge(done.trialID, seq: done.seq, to: name)
        case .failed(let failed):
            self.failed(failed, from: name, now: now)
            acknowledge(failed.trialID, seq: failed.seq, to: name)
        case .drain: workerLeft(name, reason: "drained", now: now)
        case .draining: workerDraining(name)
        default: emit(.dropped(reason: "\(message.kindName) is not a worker-to-head message", from: identity))
        }
    }

    /// After a head restart a worker may report on a trial (its last epoch, its `done`)
    /// before it says hello again. If the trial is one the head recovered and is holding for
    /// its worker, the worker named by the routing id re-attaches it and the result counts,
    /// so the trial is neither lost nor run twice.
    private mutating func adoptOrphanResult(_ message: WireMessage, identity: [UInt8], now: Date) -> Bool {
        let trialID: UInt64
        switch message {
        case .epochReport(let r): trialID = r.trialID
        case .done(let d): trialID = d.trialID
        default: return false
        }
        let name = String(decoding: identity, as: UTF8.self)
        guard !name.isEmpty, reattach(Int64(bitPattern: trialID), to: name, now: now) else { return false }
        switch message {
        case .epochReport(let r):
            report(r, from: name, now: now)
            acknowledge(r.trialID, seq: r.seq, to: name)
        case .done(let d):
            done(d, from: name, now: now)
            acknowledge(d.trialID, seq: d.seq, to: name)
        default: break
        }
        return true
    }

    /// Tells the worker that its message `seq` about `trialID` (and every earlier one about
    /// it) is dealt with: applied, or recognised as a repeat or as about a trial that has
    /// moved on. Like every send, it leaves only after the pass's transaction commits, so an
    /// acknowledged message is in the store (docs/protocol.md, "Delivery").
    private mutating func acknowledge(_ trialID: UInt64, seq: UInt64, to worker: String) {
        guard let identity = identity(of: worker) else { return }
        effects.append(.send(.ack([DeliveryAck(trialID: trialID, seq: seq)]), to: identity))
    }

    /// The routing id of `worker`: its connection's, or for a peer whose result was adopted
    /// before its hello, its name.
    func identity(of worker: String) -> [UInt8]? {
        workers[worker]?.identity ?? (worker.isEmpty ? nil : Array(worker.utf8))
    }

    // MARK: - Time

    /// What happens as time passes: silent workers are lost, heartbeats go out, free slots
    /// get work, and sweeps with nothing left to do end. Called once per loop pass.
    public mutating func tick(now: Date) -> [HeadEffect] {
        transition { book in
            book.checkHeartbeats(now: now)
            book.fillSlots(now: now)
            book.endDoneSweeps(now: now)
        }
    }
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
        case .draining: return "draining"
        case .ack: return "ack"
        case .control: return "control"
        case .controlReply: return "control_reply"
        }
    }
}
