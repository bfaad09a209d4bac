import RungWire

/// Trial messages waiting for the head (while it is away, or its queue is full), oldest
/// first, bounded: when full, the oldest plain epoch report (not a milestone) is dropped;
/// if there is none, the oldest message is.
struct HeadOutbox {
    /// The most messages kept.
    let limit: Int
    private(set) var messages: [WireMessage] = []
    /// Messages dropped because the buffer was full.
    private(set) var dropped = 0

    init(limit: Int) { self.limit = max(1, limit) }

    var isEmpty: Bool { messages.isEmpty }
    var count: Int { messages.count }
    var first: WireMessage? { messages.first }

    /// Queues a message, dropping one if the buffer is full.
    mutating func append(_ message: WireMessage) {
        if messages.count >= limit {
            let plain = messages.firstIndex { if case .epochReport(let r) = $0 { return !r.atMilestone } else { return false } }
            messages.remove(at: plain ?? 0)
            dropped += 1
        }
        messages.append(message)
    }

    /// Removes the oldest message.
    mutating func removeFirst() { messages.removeFirst() }

    /// Whether a message equal to `message` is queued.
    func contains(_ message: WireMessage) -> Bool { messages.contains(message) }
}
