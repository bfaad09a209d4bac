import Foundation
import RungWire

/// One slot: a thread that takes assignments from the main loop over an inproc PAIR socket
/// and trains them one at a time. Its socket is created and used only on its own thread.
struct TrialSlot: Sendable {
    let index: Int
    let context: ZMQContext
    let endpoint: String
    let control: SlotControl
    let options: WorkerOptions
    let cache: DataCache
    let log: WorkerLog

    /// The thread body: returns when the worker leaves.
    func run() {
        let channel: SlotChannel
        do {
            channel = try SlotChannel(context: context, endpoint: endpoint, control: control, log: log)
        } catch {
            log("slot \(index) cannot connect to the main loop: \(error)")
            return
        }
        let matrices = SlotMatrices()
        while !control.isLeaving {
            guard let frames = channel.receive(timeoutMilliseconds: 200), let first = frames.first,
                  let message = try? WireFormat.decode(first) else { continue }
            switch message {
            case .assign(let assignment):
                let artifactsURI = frames.count > 1 ? String(decoding: frames[1], as: UTF8.self) : ""
                options.metrics?.trialStarted()
                TrialRunner(assignment: assignment, artifactsURI: artifactsURI, options: options, cache: cache,
                            control: control, channel: channel, log: log, matrices: matrices).run()
                options.metrics?.trialEnded()
            case .drain:
                return
            default:
                continue  // a decision or cancel for a trial that already ended
            }
        }
    }
}
