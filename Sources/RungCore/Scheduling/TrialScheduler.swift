/// Decides how long trials train: early stopping (ASHA), promotion (ASHA, paper
/// semantics), brackets (Hyperband) or none (FIFO). A pure state machine over events;
/// the same events in the same order always give the same decisions.
///
/// Protocol of use: when a slot is free, call `nextForFreeSlot`; for `.startNew`, create
/// the trial and call `addTrial`; feed every epoch result to `onResult` and obey the
/// decision; call `onTrialEnded` if a trial fails or is cancelled.
public protocol TrialScheduler: Sendable {
    /// The most epochs any trial trains.
    var maxEpochs: Int { get }
    /// Registers a newly started trial (assigns its bracket, if any).
    mutating func addTrial(_ trial: TrialID)
    /// The epochs at which the trial's results matter for decisions, ascending, ending at
    /// `maxEpochs`; workers may stream other epochs without waiting for a decision.
    func milestones(for trial: TrialID) -> [Int]
    /// The metric `value` of `trial` after `epoch` epochs (NaN counts as the worst value).
    mutating func onResult(trial: TrialID, epoch: Int, value: Double) -> SchedulerDecision
    /// The trial ended outside the scheduler's control (failure, cancellation).
    mutating func onTrialEnded(_ trial: TrialID)
    /// What a free slot should run; `canStartNew` is false once the trial budget is spent.
    mutating func nextForFreeSlot(canStartNew: Bool) -> SlotDecision
}
