import RungWire

/// The slot thread's end of its inproc PAIR socket to the main loop. Created and used only
/// on the slot thread.
final class SlotChannel {
    private let socket: ZMQSocket
    private let control: SlotControl
    private let log: WorkerLog

    /// Connects to the main loop's bound end at `endpoint`.
    init(context: ZMQContext, endpoint: String, control: SlotControl, log: WorkerLog) throws {
        socket = try ZMQSocket(context: context, type: .pair, linger: 0)
        try socket.setOption(ZMQOption.sendTimeout, Int32(200))
        try socket.connect(endpoint)
        self.control = control
        self.log = log
    }

    deinit { socket.close() }

    /// Sends an event to the main loop, retrying while it is busy; gives up only when the
    /// worker is leaving.
    func send(_ event: SlotEvent) {
        let frames = event.frames
        while true {
            do {
                if try socket.send(frames) { return }
            } catch {
                log("a slot cannot reach the main loop: \(error)")
                return
            }
            if control.isLeaving { return }
        }
    }

    /// The next message from the main loop: its frames, or nil when nothing came within
    /// `timeoutMilliseconds`.
    func receive(timeoutMilliseconds: Int) -> [[UInt8]]? {
        do {
            let ready = try ZMQPoller([socket]).poll(timeoutMilliseconds: timeoutMilliseconds)
            guard !ready.isEmpty else { return nil }
            return try socket.receive(dontWait: true)
        } catch {
            log("a slot cannot read from the main loop: \(error)")
            return nil
        }
    }

    /// Waits for the head's decision on `trialID` at `epoch`; nil when the trial is
    /// cancelled or the worker leaves meanwhile. Stale decisions (other epochs) are skipped.
    func waitForDecision(trialID: UInt64, epoch: UInt32) -> Verdict? {
        while !control.shouldEnd(trialID) {
            guard let frames = receive(timeoutMilliseconds: 100), frames.count >= 1,
                  let message = try? WireFormat.decode(frames[0]) else { continue }
            switch message {
            case .decision(let d) where d.trialID == trialID:
                if d.epoch == epoch { return d.verdict }
                log("trial \(trialID): ignored a decision for epoch \(d.epoch) while waiting at epoch \(epoch)")
            case .cancel(let id) where id == trialID:
                return nil
            case .drain:
                return nil
            default:
                continue
            }
        }
        return nil
    }
}
