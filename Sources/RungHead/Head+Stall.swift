import Foundation
import RungCore
import RungWire

/// A loop pass the store could not commit, kept until the store takes it.
struct StoreStall {
    /// The pass's writes.
    let pass: DeferredPass
    /// When the store first refused.
    let since: Date
    /// Commits tried so far, the first included.
    var attempts = 1
    /// When to try again.
    var nextTry: Date
    /// What the store said last.
    var lastError: RungError
    /// When the wait was last logged.
    var lastLogged: Date

    /// The longest pause between two tries.
    static let maxBackoff: TimeInterval = 10

    /// One sentence for `status`, `top` and the log.
    var problem: String {
        "store cannot commit since \(Self.clock(since)) (\(attempts) attempt(s)): \(lastError.message); "
            + "nothing is acknowledged until it can, and workers keep their results"
    }

    private static func clock(_ date: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss"
        return f.string(from: date)
    }
}

/// While the store cannot commit (disk full, PostgreSQL away), the head holds the pass that
/// failed — its writes, the messages it would send, every acknowledgement — and tries to
/// commit it again with backoff. Meanwhile it answers control requests that need no
/// writes, refuses the others, counts workers as alive, and acts on no trial message: the
/// workers keep what is unacknowledged and send it again once the head is back
/// (docs/protocol.md, "Delivery"). Only an error that waiting cannot cure ends the head.
extension Head {
    func beginStall(_ pass: DeferredPass) {
        let now = clock.now()
        stall = StoreStall(pass: pass, since: now, nextTry: now.addingTimeInterval(1), lastError: pass.failure, lastLogged: now)
        log("store \(store.location) cannot commit: \(pass.failure.message); holding this pass "
            + "(\(pass.journal.count) write(s), \(outbox.count) message(s) to send) and acknowledging nothing "
            + "until it can; retrying (workers keep their results)")
    }

    func runStalled(timeoutMillis: Int) throws {
        guard var current = stall else { return }
        let untilTry = Int((current.nextTry.timeIntervalSince(clock.now()) * 1000).rounded(.up))
        try transport.wait(timeoutMillis: max(0, min(timeoutMillis, untilTry)))
        var handled = 0
        while handled < 10_000, let received = try transport.receive() {
            handled += 1
            handleWhileStalled(received)
        }
        let now = clock.now()
        guard now >= current.nextTry else { return }
        let started = DispatchTime.now()
        do {
            try store.replay(current.pass)
        } catch let error as RungError where error.kind == .unavailable {
            current.attempts += 1
            current.lastError = error
            let backoff = min(StoreStall.maxBackoff, pow(2, Double(min(current.attempts - 1, 10))) / 2)
            current.nextTry = now.addingTimeInterval(backoff)
            if now.timeIntervalSince(current.lastLogged) >= 60 {
                current.lastLogged = now
                log("still waiting for store \(store.location): \(error.message) (\(current.attempts) attempts)")
            }
            stall = current
            return
        }
        stall = nil
        let committed = DispatchTime.now()
        try apply(book.welcomeAgain(now: now))
        log("store \(store.location) is back after \(String(format: "%.1f", now.timeIntervalSince(current.since))) s "
            + "(\(current.attempts + 1) attempts): the held pass is committed, acknowledgements resume")
        flush()
        // Observers hear of the held pass now that it is committed (its effects were kept).
        observersCommitted(startedAt: started, committedAt: committed, handled: true)
        onProgress?(self)
    }

    /// A frame that arrived while the store could not commit: control requests are
    /// answered at once (those that would write are refused); a worker's frame only shows
    /// that it is alive — what it carries comes again once the head acknowledges again.
    private func handleWhileStalled(_ received: IncomingFrames) {
        let frames = received.frames
        guard frames.count == 2 else { return }
        let identity = frames[0]
        guard let message = try? WireFormat.decode(frames[1]) else { return }
        if case .control(let json) = message {
            _ = transport.send([identity, WireFormat.encode(.controlReply(json: handleControl(json, key: received.key)))])
            return
        }
        book.heard(from: identity, now: clock.now())
    }
}
