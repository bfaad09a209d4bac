/// Asynchronous successive halving with Ray Tune's stopping semantics: at each milestone
/// grace·η^k a trial's result is compared with the (1−1/η) quantile of the results
/// recorded at that milestone so far (mirrored for `min`); below it, the trial stops.
/// The first trial to reach a milestone always continues; NaN counts as the worst value.
public struct ASHAStoppingScheduler: TrialScheduler {
    /// The most epochs any trial trains.
    public let maxEpochs: Int
    /// η.
    public let reductionFactor: Double
    /// Whether the metric is minimised or maximised.
    public let mode: OptimizationMode
    /// The milestones and what was recorded at each.
    public private(set) var table: RungTable

    /// Creates the scheduler with milestones grace·η^k ≤ maxEpochs.
    public init(mode: OptimizationMode, maxEpochs: Int, gracePeriod: Int, reductionFactor: Double) {
        self.init(mode: mode, maxEpochs: maxEpochs, reductionFactor: reductionFactor,
                  milestones: RungTable.milestones(gracePeriod: gracePeriod, reductionFactor: reductionFactor,
                                                   maxEpochs: maxEpochs))
    }

    /// Creates the scheduler over explicit milestones (used by Hyperband's brackets).
    public init(mode: OptimizationMode, maxEpochs: Int, reductionFactor: Double, milestones: [Int]) {
        self.mode = mode
        self.maxEpochs = maxEpochs
        self.reductionFactor = reductionFactor
        self.table = RungTable(milestones: milestones)
    }

    /// Nothing to register: every trial runs in the one bracket.
    public mutating func addTrial(_ trial: TrialID) {}

    /// The milestones below `maxEpochs`, then `maxEpochs`.
    public func milestones(for trial: TrialID) -> [Int] {
        table.milestones.filter { $0 < maxEpochs } + [maxEpochs]
    }

    /// Records the result at the highest milestone reached and not yet recorded; stops the
    /// trial if it is worse than that rung's cutoff.
    public mutating func onResult(trial: TrialID, epoch: Int, value: Double) -> SchedulerDecision {
        let loss = mode.loss(value)
        var decision = SchedulerDecision.continue
        for rung in table.milestones.indices.reversed() {
            let m = table.milestones[rung]
            if epoch < m { continue }
            if table.hasRecorded(trial, at: rung) { break }
            if let cut = table.cutoff(at: rung, reductionFactor: reductionFactor), loss > cut {
                decision = .stop
            }
            table.record(trial, loss: loss, at: rung)
            break
        }
        if epoch >= maxEpochs { return .complete }
        return decision
    }

    /// Nothing to forget: recorded results stay part of the rung statistics.
    public mutating func onTrialEnded(_ trial: TrialID) {}

    /// Start trials while the budget lasts.
    public mutating func nextForFreeSlot(canStartNew: Bool) -> SlotDecision { canStartNew ? .startNew : .idle }
}
