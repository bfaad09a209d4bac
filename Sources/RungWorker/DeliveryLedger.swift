import RungWire

/// A worker's trial messages (epoch reports, `done`, `failed`) on their way to the head,
/// each stamped with a sequence number and kept until the head acknowledges it — which it
/// does only after committing it to its store. What is unacknowledged is sent again after
/// a reconnect, a head restart, or a silence of `retransmit`; the head applies a repeat
/// once (docs/protocol.md, "Delivery").
///
/// Bounded by `limit`: when full, the oldest plain epoch report goes first, then the oldest
/// milestone report; a trial's `done` or `failed` is never dropped.
struct DeliveryLedger {
    /// One message and when it last left (nil: not sent since it was added or requeued).
    struct Entry: Equatable {
        let trialID: UInt64
        let seq: UInt64
        let message: WireMessage
        var sentAt: UInt64?

        /// Whether this is a trial's last word (`done` or `failed`).
        var isResult: Bool {
            switch message {
            case .done, .failed: return true
            default: return false
            }
        }
        /// Whether this is an epoch report that makes the trial wait for a decision.
        var isMilestone: Bool {
            if case .epochReport(let r) = message { return r.atMilestone }
            return false
        }
    }

    /// The most messages kept (results excepted).
    let limit: Int
    /// Unacknowledged messages, oldest first (sequence numbers increase).
    private(set) var entries: [Entry] = []
    /// The next sequence number; numbers are unique for the life of the worker process.
    private(set) var nextSeq: UInt64 = 1
    /// Reports dropped because the ledger was full.
    private(set) var dropped = 0

    init(limit: Int) { self.limit = max(1, limit) }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    /// Messages not sent since they were added or requeued.
    var unsent: Int { entries.filter { $0.sentAt == nil }.count }

    /// Stamps `message` with the next sequence number and keeps it; returns the stamped
    /// message, or nil for a message that is not about a trial (it is not kept).
    @discardableResult
    mutating func add(_ message: WireMessage) -> WireMessage? {
        let seq = nextSeq
        let stamped: WireMessage
        let trialID: UInt64
        switch message {
        case .epochReport(var r): r.seq = seq; trialID = r.trialID; stamped = .epochReport(r)
        case .done(var d): d.seq = seq; trialID = d.trialID; stamped = .done(d)
        case .failed(var f): f.seq = seq; trialID = f.trialID; stamped = .failed(f)
        default: return nil
        }
        nextSeq += 1
        if entries.count >= limit, let victim = entries.firstIndex(where: { !$0.isResult && !$0.isMilestone })
            ?? entries.firstIndex(where: { !$0.isResult }) {
            entries.remove(at: victim)
            dropped += 1
        }
        entries.append(Entry(trialID: trialID, seq: seq, message: stamped, sentAt: nil))
        return stamped
    }

    /// The index of the oldest message not sent yet.
    var firstUnsent: Int? { entries.firstIndex { $0.sentAt == nil } }

    /// Notes that the message at `index` left at `now`.
    mutating func markSent(_ index: Int, at now: UInt64) { entries[index].sentAt = now }

    /// The head committed every message of `trialID` up to `seq`: forget them. Returns how
    /// many were forgotten.
    @discardableResult
    mutating func acknowledge(trialID: UInt64, upTo seq: UInt64) -> Int {
        let before = entries.count
        entries.removeAll { $0.trialID == trialID && $0.seq <= seq }
        return before - entries.count
    }

    /// The head cancelled `trialID`: nothing about it is needed any more.
    mutating func forget(trialID: UInt64) {
        entries.removeAll { $0.trialID == trialID }
    }

    /// Every unacknowledged message goes again (a new or returning head).
    mutating func requeueAll() {
        for i in entries.indices { entries[i].sentAt = nil }
    }

    /// Messages sent at least `after` ms before `now` and still unacknowledged go again.
    /// Returns how many.
    @discardableResult
    mutating func requeue(sentBefore now: UInt64, after: UInt64) -> Int {
        var n = 0
        for i in entries.indices {
            if let at = entries[i].sentAt, now >= at + after {
                entries[i].sentAt = nil
                n += 1
            }
        }
        return n
    }

    /// Trials whose `done` or `failed` the head has not acknowledged, oldest first.
    var trialsWithResults: [UInt64] {
        var ids: [UInt64] = []
        for e in entries where e.isResult && !ids.contains(e.trialID) { ids.append(e.trialID) }
        return ids
    }

    /// Whether an unacknowledged milestone report of `trialID` at `epoch` is kept.
    func holdsMilestone(trialID: UInt64, epoch: UInt32) -> Bool {
        entries.contains {
            if case .epochReport(let r) = $0.message { return r.trialID == trialID && r.epoch == epoch && r.atMilestone }
            return false
        }
    }
}
