import Dispatch
import Foundation
import RungLogging
import RungCore
import RungTraining
import RungWire

/// The worker's main loop: owns the DEALER to the head and the main-loop ends of the slot
/// PAIR sockets, and all bookkeeping. Created and run on one thread (the caller of
/// `Worker.run()`); nothing in it is touched by another thread.
final class WorkerLoop {
    private struct Slot {
        let socket: ZMQSocket
        let control: SlotControl
        var trial: Assignment?
        /// The head cancelled the trial: nothing more is sent for it.
        var cancelled = false
        /// The milestone report the trial is waiting on, re-sent when the head comes back.
        var waiting: EpochReport?
        /// The head stopped the trial; the slot thread is winding it down.
        var ending = false
        /// The XGBoost threads lent to the trial on top of its own (idle slots' cores).
        var lent = 0
    }

    /// Since when a slot has stood idle while another trains (nil: none idle, or lent already).
    private var idleSince: UInt64?
    /// How long a slot stays idle before its cores go to running trials: the head normally
    /// answers a `done` with the next trial within milliseconds, so waiting this long means
    /// it has nothing more to run now (the end of a sweep, or a rung of ASHA waiting).
    static let lendAfterMillis: UInt64 = 300

    /// Assignments that arrived while a slot was still winding down a stopped or cancelled
    /// trial (the head counts that slot as free already); they start as soon as it is.
    private var queued: [Assignment] = []

    private let options: WorkerOptions
    private let log: WorkerLog
    private let cache: DataCache
    private let stopRequest: StopRequest
    private let context: ZMQContext
    private let dealer: ZMQSocket
    /// Connection and handshake events of `dealer`, to explain a head that stays silent.
    private let handshakes: CurveHandshakeMonitor
    /// When to reconnect after a refused handshake (libzmq does not retry those itself).
    private var reconnectAt: UInt64?
    /// When an authentication problem was last logged (at most one line a minute).
    private var lastAuthLog: UInt64?
    private var slots: [Slot] = []
    private let slotThreads = DispatchGroup()

    private var welcome: Welcome?
    private var connected = false
    private var lastHeard: UInt64 = 0
    /// When the next hello is due while not welcomed.
    private var nextHello: UInt64 = 0
    /// When the current wait for a welcome began (start, or the head was lost).
    private var waitingSince: UInt64 = 0
    private var lastHeartbeat: UInt64 = 0
    private var loggedWaiting = false
    /// Trial messages until the head acknowledges them (docs/protocol.md, "Delivery").
    private var ledger: DeliveryLedger
    private var draining = false
    private var handledStops = 0
    private var summary = WorkerSummary()

    init(options: WorkerOptions, log: WorkerLog, cache: DataCache, stopRequest: StopRequest) throws {
        self.options = options
        self.log = log
        self.cache = cache
        self.stopRequest = stopRequest
        ledger = DeliveryLedger(limit: options.outboxLimit)
        context = try ZMQContext()
        dealer = try ZMQSocket(context: context, type: .dealer, linger: 200)
        try dealer.setOption(ZMQOption.routingID, bytes: Array(options.name.utf8))
        try dealer.setOption(ZMQOption.reconnectInterval, Int32(100))
        try dealer.setOption(ZMQOption.reconnectIntervalMax, Int32(1000))
        try dealer.setOption(ZMQOption.immediate, Int32(1))
        try dealer.setMaxMessageSize(Int64(WireFormat.maxFrameBytes))
        if let keys = options.keys {
            try dealer.makeCurveClient(keyPair: keys.keyPair, serverKey: keys.serverKey,
                                       handshakeMillis: Int32(options.authenticationTimeoutSeconds * 1000))
        }
        handshakes = try CurveHandshakeMonitor(watching: dealer)
        try dealer.connect(options.headEndpoint)
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    private var heartbeatMillis: UInt64 { UInt64(max(10, welcome?.heartbeatMillis ?? 1000)) }
    /// At least two heartbeats, whatever the head says (its numbers are not trusted to be sane).
    private var lostAfterMillis: UInt64 { max(UInt64(welcome?.lostAfterMillis ?? 5000), heartbeatMillis * 2) }
    private var busy: Int { slots.filter { $0.trial != nil }.count }
    /// The trials this worker holds: training in a slot, or ended with a `done`/`failed` the
    /// head has not acknowledged (so a head that was away, or restarted, keeps them attached
    /// and gets their result).
    private var running: [UInt64] {
        var ids = slots.compactMap { $0.cancelled ? nil : $0.trial?.trialID }
        for id in ledger.trialsWithResults where !ids.contains(id) { ids.append(id) }
        return ids
    }

    /// How long a sent message may wait for its acknowledgement before it goes again.
    private var retransmitMillis: UInt64 { lostAfterMillis }

    /// Runs until drained or stopped.
    func run() throws -> WorkerSummary {
        try startSlots()
        defer { shutdown() }
        waitingSince = Self.now()
        sendHello(at: waitingSince)
        while true {
            let now = Self.now()
            let stops = stopRequest.requests
            if stops > handledStops {
                handledStops = stops
                if stops >= 2 {
                    leaveAtOnce()
                    return finalSummary()
                }
                beginDrain(because: "asked to stop")
            }
            if draining && busy == 0 {
                if connected { flushOutbox() }
                if connected && ledger.isEmpty {
                    send(.drain)
                    log("drained: left the head at \(options.headEndpoint)")
                    return finalSummary()
                }
                if welcome == nil || ledger.isEmpty {
                    log("drained: leaving without a head to tell")
                    return finalSummary()
                }
            }
            tick(now)
            let ready = try ZMQPoller([dealer] + slots.map(\.socket) + [handshakes.socket]).poll(timeoutMilliseconds: 50)
            for index in ready {
                if index == 0 { try readHead() } else if index <= slots.count { try readSlot(index - 1) } else { try readHandshakes() }
            }
        }
    }

    private func finalSummary() -> WorkerSummary {
        var s = summary
        s.droppedReports = ledger.dropped
        return s
    }

    // MARK: - Slots

    private func startSlots() throws {
        let prefix = "inproc://rung-worker-\(UUID().uuidString)-slot-"
        for index in 0..<options.slots {
            let socket = try ZMQSocket(context: context, type: .pair, linger: 0)
            try socket.bind(prefix + String(index))  // bound before the slot thread connects
            let control = SlotControl()
            slots.append(Slot(socket: socket, control: control))
            let slot = TrialSlot(index: index, context: context, endpoint: prefix + String(index), control: control,
                                 options: options, cache: cache, log: log)
            let group = slotThreads
            group.enter()
            let thread = Thread {
                slot.run()
                group.leave()
            }
            thread.name = "rung-slot-\(index)"
            thread.start()
        }
    }

    private func shutdown() {
        for slot in slots {
            slot.control.leave()
            _ = try? slot.socket.send([WireFormat.encode(.drain)], dontWait: true)
        }
        if busy == 0 {
            _ = slotThreads.wait(timeout: .now() + 2)
        }
        for slot in slots { slot.socket.close() }
        handshakes.socket.close()
        dealer.close()
    }

    private func readSlot(_ index: Int) throws {
        while let frames = try slots[index].socket.receive(dontWait: true) {
            guard let event = SlotEvent(frames: frames) else {
                log("internal: slot \(index) sent an unreadable message; dropped")
                continue
            }
            switch event {
            case .ended(let trialID, let how, let note):
                guard let assignment = slots[index].trial, assignment.trialID == trialID else { continue }
                if slots[index].cancelled || how == .cancelled {
                    summary.cancelled += 1
                    log(trialEvent("trial \(trialID) \(note)", assignment))
                } else {
                    summary.stopped += 1
                    log(trialEvent("trial \(trialID) \(note) by the head", assignment))
                }
                free(index)
            case .toHead(let message):
                handleTrialMessage(message, slot: index)
            }
        }
    }

    /// A trial event with the trial's sweep and id and this worker's name.
    private func trialEvent(_ text: String, _ assignment: Assignment) -> LogLine {
        LogLine(text, sweep: Int64(bitPattern: assignment.sweepID), trial: Int64(bitPattern: assignment.trialID), worker: options.name)
    }

    private func handleTrialMessage(_ message: WireMessage, slot index: Int) {
        guard let assignment = slots[index].trial else { return }
        let trialID = assignment.trialID
        let cancelled = slots[index].cancelled
        switch message {
        case .epochReport(let report):
            guard report.trialID == trialID, !cancelled else { return }
            if report.atMilestone { slots[index].waiting = report }
            deliver(message)
        case .done(let done):
            guard done.trialID == trialID else { return }
            if cancelled {
                summary.cancelled += 1
                log(trialEvent("trial \(trialID) cancelled", assignment))
            } else if done.epoch < assignment.maxEpochs {
                summary.paused += 1
                log(trialEvent("trial \(trialID) paused at epoch \(done.epoch)" + (done.checkpointURI.isEmpty ? "" : ": checkpoint \(done.checkpointURI)"),
                          assignment))
                deliver(message)
            } else {
                summary.finished += 1
                log(trialEvent("trial \(trialID) finished after epoch \(done.epoch): " + Self.describe(done.metrics)
                          + (done.checkpointURI.isEmpty ? "" : "; model \(done.checkpointURI)"), assignment))
                deliver(message)
            }
            free(index)
        case .failed(let failed):
            guard failed.trialID == trialID else { return }
            if cancelled {
                summary.cancelled += 1
                log(trialEvent("trial \(trialID) cancelled", assignment))
            } else {
                summary.failed += 1
                log(trialEvent("trial \(trialID) failed: \(failed.reason)", assignment))
                deliver(message)
            }
            free(index)
        default:
            log("internal: slot \(index) produced an unexpected message; dropped")
        }
    }

    private func free(_ index: Int) {
        slots[index].trial = nil
        slots[index].cancelled = false
        slots[index].waiting = nil
        slots[index].ending = false
        if slots[index].lent > 0 {
            slots[index].lent = 0
            slots[index].control.threads = nil
        }
        if !queued.isEmpty { handleAssign(queued.removeFirst()) }
    }

    // MARK: - Idle cores

    /// Lends the cores of idle slots to the running built-in trials once a slot has stood
    /// idle for `lendAfterMillis` (each trial takes them from its next epoch on), only to
    /// families whose model does not depend on the thread count
    /// (`TrainerFamilies.threadsKeepModel`). A new assignment takes them back first.
    private func lendIdleCores(_ now: UInt64) {
        let idle = slots.filter { $0.trial == nil }.count
        let takers = slots.indices.filter {
            guard let trial = slots[$0].trial, !slots[$0].cancelled, !slots[$0].ending else { return false }
            return TrainerFamilies.threadsKeepModel(family: trial.family)
        }
        guard idle > 0, !takers.isEmpty, queued.isEmpty, !draining else {
            idleSince = nil
            return
        }
        guard let since = idleSince else { idleSince = now; return }
        guard now >= since + Self.lendAfterMillis else { return }
        let spare = idle * options.threadsPerTrial
        for (k, index) in takers.enumerated() {
            let share = spare / takers.count + (k < spare % takers.count ? 1 : 0)
            guard share != slots[index].lent else { continue }
            slots[index].lent = share
            slots[index].control.threads = options.threadsPerTrial + share
            if share > 0 {
                summary.coresLent += 1
                log("trial \(slots[index].trial?.trialID ?? 0) takes \(share) idle core(s): nthread \(options.threadsPerTrial + share) from its next epoch")
            }
        }
    }

    /// Gives every lent core back before a new trial starts.
    private func reclaimLentCores() {
        idleSince = nil
        for index in slots.indices where slots[index].lent > 0 {
            log("trial \(slots[index].trial?.trialID ?? 0) gives back \(slots[index].lent) core(s) for a new trial: nthread \(options.threadsPerTrial) from its next epoch")
            slots[index].lent = 0
            slots[index].control.threads = nil
        }
    }

    private static func describe(_ metrics: [WireMetric]) -> String {
        let shown = metrics.filter { ["val_auc", "val_logloss", "test_auc"].contains($0.name) }
        let chosen = shown.isEmpty ? Array(metrics.prefix(3)) : shown
        return chosen.map { "\($0.name) \(String(format: "%.4f", $0.value))" }.joined(separator: ", ")
    }

    // MARK: - The head

    /// Handshake events: a refusal or a CURVE mismatch is logged (at most once a minute) and
    /// the connection is retried after the hello interval, since libzmq gives up on it.
    private func readHandshakes() throws {
        for event in try handshakes.drain() {
            switch event {
            case .refused, .protocolFailure:
                if let problem = handshakes.problem(endpoint: options.headEndpoint, peer: "worker", keys: options.keys, waited: nil) {
                    logAuthProblem(problem)
                }
                reconnectAt = Self.now() + UInt64(max(options.helloIntervalMillis, 1000))
            default:
                break
            }
        }
    }

    private func logAuthProblem(_ problem: String) {
        let now = Self.now()
        if let last = lastAuthLog, now < last + 60_000 { return }
        lastAuthLog = now
        log(problem + "; still trying")
    }

    private func tick(_ now: UInt64) {
        lendIdleCores(now)
        if let at = reconnectAt, now >= at {
            reconnectAt = nil
            try? dealer.disconnect(options.headEndpoint)
            do { try dealer.connect(options.headEndpoint) } catch { log("cannot reconnect to the head: \(error)") }
        }
        if !connected, options.keys != nil,
           now >= waitingSince + UInt64(options.authenticationTimeoutSeconds * 1000),
           let problem = handshakes.problem(endpoint: options.headEndpoint, peer: "worker", keys: options.keys,
                                            waited: options.authenticationTimeoutSeconds) {
            logAuthProblem(problem)
        }
        if connected {
            if now >= lastHeard + lostAfterMillis {
                connected = false
                summary.headLost += 1
                log("head lost: nothing heard from \(options.headEndpoint) for \(now - lastHeard) ms; "
                    + "\(running.count) trial(s) keep running, re-sending hello every \(options.helloIntervalMillis) ms")
                loggedWaiting = true
                waitingSince = now
                sendHello(at: now)
            } else if now >= lastHeartbeat + heartbeatMillis {
                lastHeartbeat = now
                send(.heartbeat(Heartbeat(running: running)))
                // Said with every beat while draining: a lost one, or a restarted head, hears it again.
                if draining { send(.draining) }
            }
        }
        if !connected {
            if !loggedWaiting && lastAuthLog == nil && now >= waitingSince + UInt64(options.helloIntervalMillis) {
                loggedWaiting = true
                log("waiting for head at \(options.headEndpoint)")
            }
            if now >= nextHello { sendHello(at: now) }
        }
        if connected && !ledger.isEmpty {
            ledger.requeue(sentBefore: now, after: retransmitMillis)
            flushOutbox()
        }
    }

    /// Sends hello; the next one is due after the hello interval, or after 100 ms when this
    /// one could not even be queued (no connection to the head yet).
    private func sendHello(at now: UInt64) {
        let sent = send(.hello(WorkerHello(name: options.name, host: options.host, slots: UInt32(options.slots),
                                           families: WorkerOptions.families, running: running)))
        nextHello = now + (sent ? UInt64(options.helloIntervalMillis) : 100)
    }

    /// Sends without waiting; false when the head is unreachable or its queue is full.
    @discardableResult
    private func send(_ message: WireMessage) -> Bool {
        do {
            return try dealer.send([WireFormat.encode(message)], dontWait: true)
        } catch {
            log("cannot send to the head: \(error)")
            return false
        }
    }

    /// Keeps a trial's message until the head acknowledges it, and sends it now if it can.
    private func deliver(_ message: WireMessage) {
        let before = ledger.dropped
        ledger.add(message)
        if ledger.dropped > before && (before == 0 || ledger.dropped % 1000 == 0) {
            log("the head has been away too long: \(ledger.dropped) buffered report(s) dropped (keeping \(ledger.limit))")
        }
        if connected { flushOutbox() }
    }

    /// Sends every kept message not sent yet, oldest first, until the head's queue is full.
    private func flushOutbox() {
        let now = Self.now()
        while let index = ledger.firstUnsent, send(ledger.entries[index].message) { ledger.markSent(index, at: now) }
    }

    private func readHead() throws {
        while let frames = try dealer.receive(dontWait: true) {
            lastHeard = Self.now()
            guard frames.count == 1 else {
                garbled("a message of \(frames.count) frames (the protocol uses one)")
                continue
            }
            let message: WireMessage
            do {
                message = try WireFormat.decode(frames[0])
            } catch {
                garbled("\(error)")
                continue
            }
            switch message {
            case .welcome(let w): handleWelcome(w)
            case .heartbeat: break
            case .ack(let acks): for a in acks { ledger.acknowledge(trialID: a.trialID, upTo: a.seq) }
            case .assign(let a): handleAssign(a)
            case .decision(let d): handleDecision(d)
            case .cancel(let trialID): handleCancel(trialID)
            case .drain: beginDrain(because: "the head asked this worker to drain")
            default:
                summary.unexpectedMessages += 1
                log("dropped a message a head does not send to workers: \(message)")
            }
        }
    }

    private func garbled(_ reason: String) {
        summary.garbledFrames += 1
        let n = summary.garbledFrames
        if n <= 20 || n % 1000 == 0 {
            log("dropped a garbled frame from the head (\(n) so far): \(reason)")
        }
    }

    private func handleWelcome(_ w: Welcome) {
        let first = welcome == nil
        welcome = w
        guard !connected else { return }
        connected = true
        loggedWaiting = false
        lastAuthLog = nil
        lastHeartbeat = 0
        if first {
            log("joined head at \(options.headEndpoint) as \(options.name) with \(options.slots) slot(s) "
                + "(heartbeat \(heartbeatMillis) ms, lost after \(lostAfterMillis) ms, artifacts \(w.artifactsURI))")
        } else {
            log("head back at \(options.headEndpoint): \(running.count) running trial(s) re-attached, "
                + "\(ledger.count) unacknowledged message(s) to send again")
        }
        // Everything the head has not acknowledged goes again (it applies a repeat once).
        ledger.requeueAll()
        // A trial waiting at a milestone needs its report to reach this head, whatever happened before.
        for slot in slots {
            if let report = slot.waiting, !slot.cancelled, !ledger.holdsMilestone(trialID: report.trialID, epoch: report.epoch) {
                ledger.add(.epochReport(report))
            }
        }
        flushOutbox()
    }

    private func handleAssign(_ a: Assignment) {
        if slots.contains(where: { $0.trial?.trialID == a.trialID && !$0.cancelled })
            || queued.contains(where: { $0.trialID == a.trialID }) {
            log("trial \(a.trialID) is already running here; duplicate assign ignored")
            return
        }
        // A stop requested while this poll was waiting counts before the assignment it raced with.
        if stopRequest.requests > handledStops { beginDrain(because: "asked to stop") }
        if draining {
            refuse(a, "worker \(options.name) is draining and takes no new trials")
            return
        }
        guard let artifacts = welcome?.artifactsURI else {
            refuse(a, "worker \(options.name) was assigned trial \(a.trialID) before the head welcomed it")
            return
        }
        reclaimLentCores()
        guard let index = slots.firstIndex(where: { $0.trial == nil }) else {
            let ending = slots.filter { $0.cancelled || $0.ending }.count
            if queued.count < ending {
                queued.append(a)
                return
            }
            refuse(a, "worker \(options.name) has no free slot: all \(options.slots) are busy")
            return
        }
        do {
            guard try slots[index].socket.send([WireFormat.encode(.assign(a)), Array(artifacts.utf8)], dontWait: true) else {
                refuse(a, "worker \(options.name) could not hand trial \(a.trialID) to slot \(index)")
                return
            }
        } catch {
            refuse(a, "worker \(options.name) could not hand trial \(a.trialID) to slot \(index): \(error)")
            return
        }
        slots[index].trial = a
        slots[index].cancelled = false
        slots[index].waiting = nil
        slots[index].ending = false
        let epochs = a.startEpoch > 0 ? "epochs \(Int(a.startEpoch) + 1)–\(a.maxEpochs) (resumed)" : "\(a.maxEpochs) epoch(s)"
        log("trial \(a.trialID) started in slot \(index): \(a.family), \(epochs), data \(a.dataVersion)")
    }

    private func refuse(_ a: Assignment, _ reason: String) {
        summary.failed += 1
        log("trial \(a.trialID) refused: \(reason)")
        deliver(.failed(TrialFailed(trialID: a.trialID, reason: reason)))
    }

    private func handleDecision(_ d: Decision) {
        guard let index = slots.firstIndex(where: { $0.trial?.trialID == d.trialID && !$0.cancelled }) else {
            log("decision for trial \(d.trialID), which is not running here; dropped")
            return
        }
        if slots[index].waiting?.epoch == d.epoch { slots[index].waiting = nil }
        if d.verdict == .stop { slots[index].ending = true }
        _ = try? slots[index].socket.send([WireFormat.encode(.decision(d))], dontWait: true)
    }

    private func handleCancel(_ trialID: UInt64) {
        // Nothing about a cancelled trial is needed any more; if it is not in a slot, the
        // head had already recorded its end when this worker listed it again.
        ledger.forget(trialID: trialID)
        if !slots.contains(where: { $0.trial?.trialID == trialID }) { return }
        guard let index = slots.firstIndex(where: { $0.trial?.trialID == trialID && !$0.cancelled }) else {
            log("cancel for trial \(trialID), which is not running here; ignored")
            return
        }
        cancel(index)
        log("trial \(trialID) cancelled by the head")
    }

    private func cancel(_ index: Int) {
        guard let trialID = slots[index].trial?.trialID else { return }
        slots[index].cancelled = true
        slots[index].waiting = nil
        slots[index].control.cancel(trialID, grace: options.commandStopGraceSeconds)
        _ = try? slots[index].socket.send([WireFormat.encode(.cancel(trialID: trialID))], dontWait: true)
    }

    // MARK: - Leaving

    private func beginDrain(because reason: String) {
        guard !draining else { return }
        draining = true
        for a in queued { refuse(a, "worker \(options.name) is draining and takes no new trials") }
        queued.removeAll()
        log("draining (\(reason)): finishing \(busy) running trial(s), taking no new ones; ask again to leave at once")
        if connected { send(.draining) }
    }

    private func leaveAtOnce() {
        let n = busy
        for index in slots.indices where slots[index].trial != nil { cancel(index) }
        summary.cancelled += n
        if connected {
            flushOutbox()
            send(.drain)
        }
        log("leaving at once: \(n) running trial(s) cancelled")
    }
}
