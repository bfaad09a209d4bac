import Foundation
import RungTraining

/// The part of a slot that the main loop may touch from its own thread: the cancel flag of
/// the current trial, the "worker is leaving" flag, and the running command (whose `stop()`
/// is safe from any thread). Every field is guarded by `lock`, which is why the class is
/// `@unchecked Sendable`.
final class SlotControl: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelledTrials: Set<UInt64> = []
    private var leaving = false
    private var command: (trialID: UInt64, trainer: CommandTrainer)?
    private var lentThreads: Int?

    /// Marks `trialID` cancelled and stops its command, if one is running.
    func cancel(_ trialID: UInt64, grace: Double) {
        let trainer: CommandTrainer? = lock.withLock {
            cancelledTrials.insert(trialID)
            return command?.trialID == trialID ? command?.trainer : nil
        }
        trainer?.stop(grace: grace)
    }

    /// Whether `trialID` was cancelled, or the worker is leaving.
    func shouldEnd(_ trialID: UInt64) -> Bool {
        lock.withLock { leaving || cancelledTrials.contains(trialID) }
    }

    /// Whether the worker is leaving (the slot thread should exit).
    var isLeaving: Bool { lock.withLock { leaving } }

    /// Tells the slot thread to exit after its current step.
    func leave() { lock.withLock { leaving = true } }

    /// Registers the running command of `trialID`; returns false (and does not register it)
    /// when the trial was already cancelled.
    func attach(_ trainer: CommandTrainer, trialID: UInt64) -> Bool {
        lock.withLock {
            if leaving || cancelledTrials.contains(trialID) { return false }
            command = (trialID, trainer)
            return true
        }
    }

    /// The XGBoost thread count the main loop wants the slot's trial to use from its next
    /// epoch on (its own plus the cores of idle slots), or nil for the trial's own.
    var threads: Int? {
        get { lock.withLock { lentThreads } }
        set { lock.withLock { lentThreads = newValue } }
    }

    /// Forgets the running command and the trial's cancel mark once the trial is over.
    func finish(_ trialID: UInt64) {
        lock.withLock {
            if command?.trialID == trialID { command = nil }
            cancelledTrials.remove(trialID)
        }
    }
}
