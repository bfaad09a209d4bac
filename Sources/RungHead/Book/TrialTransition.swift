import RungStore
import RungCore

/// Every legal change of a trial's status, in one table: the trial book moves a trial only
/// through `TrialBook.move(_:by:now:)`, which refuses a move whose `from` set does not hold
/// the trial's status. docs/architecture.md draws this table as a diagram.
public enum TrialTransition: String, CaseIterable, Sendable {
    /// A slot picks a queued trial up again from scratch (lost worker, failure).
    case restart
    /// A slot resumes a paused trial from its checkpoint (promotion ASHA).
    case promote
    /// A (re)connecting worker says it still runs a trial the head was holding for it.
    case reattach
    /// The worker confirmed a pause decision with `done` and a checkpoint.
    case pause
    /// The scheduler stopped the trial early.
    case stop
    /// The trial trained to its end and its worker sent `done`.
    case finish
    /// The trial will run again: its worker was lost, left or reported a failure.
    case requeue
    /// The trial used up its retries.
    case fail
    /// Its sweep was cancelled.
    case cancel
    /// Its sweep ended while the trial was paused and never promoted.
    case endUnpromoted
    /// A restarted head found the trial running or queued: it waits to be re-attached or run again.
    case recover

    /// The statuses a trial may be in for this transition.
    public var from: Set<TrialRecord.Status> {
        switch self {
        case .restart, .reattach: return [.pending]
        case .promote, .endUnpromoted: return [.paused]
        case .pause, .stop, .finish: return [.running]
        case .requeue, .fail: return [.running, .pending]
        case .cancel: return [.pending, .running, .paused]
        case .recover: return [.running, .pending]
        }
    }

    /// The status the trial has afterwards.
    public var to: TrialRecord.Status {
        switch self {
        case .restart, .promote, .reattach: return .running
        case .pause: return .paused
        case .stop, .endUnpromoted: return .stopped
        case .finish: return .finished
        case .requeue, .recover: return .pending
        case .fail: return .failed
        case .cancel: return .cancelled
        }
    }
}
