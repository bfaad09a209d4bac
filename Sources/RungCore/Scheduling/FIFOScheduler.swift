/// No early stopping: every trial trains `maxEpochs` epochs.
public struct FIFOScheduler: TrialScheduler {
    /// The epochs every trial trains.
    public let maxEpochs: Int

    /// Creates a FIFO scheduler.
    public init(maxEpochs: Int) { self.maxEpochs = maxEpochs }

    /// Nothing to register.
    public mutating func addTrial(_ trial: TrialID) {}
    /// Only the final epoch matters.
    public func milestones(for trial: TrialID) -> [Int] { [maxEpochs] }
    /// Continue until `maxEpochs`.
    public mutating func onResult(trial: TrialID, epoch: Int, value: Double) -> SchedulerDecision {
        epoch >= maxEpochs ? .complete : .continue
    }
    /// Nothing to forget.
    public mutating func onTrialEnded(_ trial: TrialID) {}
    /// Start trials while the budget lasts.
    public mutating func nextForFreeSlot(canStartNew: Bool) -> SlotDecision { canStartNew ? .startNew : .idle }
}
