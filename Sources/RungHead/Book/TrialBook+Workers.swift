import Foundation
import RungStore
import RungWire
import RungCore

/// Workers: joining, heartbeats, loss, leaving and draining.
extension TrialBook {
    /// A worker said hello (first contact, a reconnect, or a restart of the worker or head).
    mutating func hello(_ hello: WorkerHello, identity: [UInt8], key: String?, now: Date) {
        let name = hello.name.isEmpty ? String(decoding: identity, as: UTF8.self) : hello.name
        guard hello.slots >= 1, Int(hello.slots) <= settings.maxWorkerSlots else {
            // A worker that cannot be trusted with its claim would take trials it cannot run,
            // each burning a retry when it vanishes.
            emit(.dropped(reason: "hello refused: worker \(name) claims \(hello.slots) slots; the head takes 1 to "
                          + "\(settings.maxWorkerSlots) (rung head --max-worker-slots)", from: identity))
            return
        }
        let previous = workers.remove(name)
        var entry = WorkerEntry(identity: identity, name: name, host: hello.host, slots: Int(hello.slots),
                                families: Set(hello.families), lastHeard: now, key: key)
        let stillRunning = Set(hello.running.map { Int64(bitPattern: $0) })
        // Trials the head thought this worker had but it no longer runs: requeue.
        for id in (previous?.running ?? []).sorted() where !stillRunning.contains(id) {
            requeue(id, reason: "worker \(name) restarted", now: now)
        }
        // Trials the worker still runs: re-attach when the head expects them, else cancel.
        for id in stillRunning.sorted() {
            if reattach(id, to: name, now: now) {
                entry.running.insert(id)
            } else {
                emit(.send(.cancel(trialID: UInt64(bitPattern: id)), to: identity))
            }
        }
        workers[name] = entry
        emit(.saveWorker(WorkerRecord(name: name, host: hello.host, slots: Int(hello.slots), status: .active,
                                      firstSeen: now, lastSeen: now)))
        emit(.send(.welcome(Welcome(heartbeatMillis: settings.heartbeatMillis, lostAfterMillis: settings.lostAfterMillis,
                                    artifactsURI: settings.artifactsURI)), to: identity))
        log("worker \(name) joined from \(hello.host) with \(hello.slots) slot\(hello.slots == 1 ? "" : "s")"
            + (key.map { " (key \($0))" } ?? "")
            + (stillRunning.isEmpty ? "" : ", still running \(stillRunning.count) trial(s)"), sweep: nil, worker: name)
    }

    /// Declares silent workers lost and sends heartbeats when they are due.
    mutating func checkHeartbeats(now: Date) {
        let lostAfter = Double(settings.lostAfterMillis) / 1000
        for name in workers.silent(since: lostAfter, now: now) {
            workerLost(name, now: now)
        }
        guard now.timeIntervalSince(lastHeartbeat) * 1000 >= Double(settings.heartbeatMillis) else { return }
        lastHeartbeat = now
        for name in workers.names {
            let w = workers[name]!
            send(.heartbeat(Heartbeat(running: w.running.sorted().map { UInt64(bitPattern: $0) })), to: name)
            emit(.saveWorker(WorkerRecord(name: name, host: w.host, slots: w.slots,
                                          status: w.draining ? .draining : .active, firstSeen: now, lastSeen: w.lastHeard)))
        }
    }

    /// A worker fell silent: its trials run again elsewhere.
    mutating func workerLost(_ name: String, now: Date) {
        guard let entry = workers.remove(name) else { return }
        log("worker \(name) lost (silent for \(settings.lostAfterMillis) ms); requeueing \(entry.running.count) trial(s)", sweep: nil, worker: name)
        for id in entry.running.sorted() { requeue(id, reason: "worker \(name) was lost", now: now) }
        emit(.saveWorker(WorkerRecord(name: entry.name, host: entry.host, slots: entry.slots, status: .lost,
                                      firstSeen: now, lastSeen: entry.lastHeard)))
    }

    /// A worker left (drained): its unfinished trials run again elsewhere.
    mutating func workerLeft(_ name: String, reason: String, now: Date) {
        guard let entry = workers.remove(name) else { return }
        for id in entry.running.sorted() { requeue(id, reason: "worker \(name) left", now: now) }
        emit(.saveWorker(WorkerRecord(name: entry.name, host: entry.host, slots: entry.slots, status: .left,
                                      firstSeen: now, lastSeen: entry.lastHeard)))
        log("worker \(name) left (\(reason))", sweep: nil, worker: name)
    }

    /// A worker said it is draining (it was stopped by a signal): it keeps its running trials
    /// and is assigned nothing more. Without this its freed slots would be offered trials it
    /// must refuse, each refusal costing that trial a retry.
    mutating func workerDraining(_ name: String) {
        guard let entry = workers[name], !entry.draining else { return }
        workers[name]?.draining = true
        log("worker \(name) is draining: finishing \(entry.running.count) trial(s), taking no new ones", sweep: nil, worker: name)
    }

    /// Asks worker `name` to finish its trials and leave; nil when no such worker is connected.
    public mutating func drain(worker name: String) -> [HeadEffect]? {
        guard workers[name] != nil else { return nil }
        return transition { book in
            book.workers[name]?.draining = true
            book.send(.drain, to: name)
        }
    }

    /// Asks every worker to finish and leave.
    public mutating func drainAll() -> [HeadEffect] {
        workers.names.flatMap { drain(worker: $0) ?? [] }
    }
}

extension TrialBook {
    /// A frame arrived from `identity` while the head could not act on it (the store was
    /// unavailable): a known worker is still alive, nothing else changes.
    public mutating func heard(from identity: [UInt8], now: Date) {
        guard let name = workers.name(forIdentity: identity) else { return }
        workers[name]?.lastHeard = now
    }

    /// After the head waited for its store: every connected worker counts as heard now and
    /// is welcomed again, so that it takes the head as back at once (it found the head
    /// silent) and sends what is unacknowledged, instead of being declared lost between two
    /// of its hellos.
    public mutating func welcomeAgain(now: Date) -> [HeadEffect] {
        transition { book in
            for name in book.workers.names {
                book.workers[name]?.lastHeard = now
                book.send(.welcome(Welcome(heartbeatMillis: book.settings.heartbeatMillis,
                                           lostAfterMillis: book.settings.lostAfterMillis,
                                           artifactsURI: book.settings.artifactsURI)), to: name)
            }
        }
    }
}
