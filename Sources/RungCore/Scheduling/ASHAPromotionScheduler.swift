/// Asynchronous successive halving as in the paper (Li et al. 2018): a trial pauses at
/// every milestone below `maxEpochs`; a free slot first promotes the best not-yet-promoted
/// trial among the top ⌊n/η⌋ of the highest rung that has one, otherwise starts a new trial.
public struct ASHAPromotionScheduler: TrialScheduler {
    /// The most epochs any trial trains.
    public let maxEpochs: Int
    /// η.
    public let reductionFactor: Double
    /// Whether the metric is minimised or maximised.
    public let mode: OptimizationMode
    /// The milestones (those below `maxEpochs`) and what was recorded at each.
    public private(set) var table: RungTable
    private var promoted: [Set<TrialID>]
    /// Trials waiting at a milestone, by trial: the rung they wait at.
    public private(set) var paused: [TrialID: Int] = [:]

    /// Creates the scheduler with milestones grace·η^k < maxEpochs.
    public init(mode: OptimizationMode, maxEpochs: Int, gracePeriod: Int, reductionFactor: Double) {
        let ms = RungTable.milestones(gracePeriod: gracePeriod, reductionFactor: reductionFactor, maxEpochs: maxEpochs)
            .filter { $0 < maxEpochs }
        self.mode = mode
        self.maxEpochs = maxEpochs
        self.reductionFactor = reductionFactor
        self.table = RungTable(milestones: ms)
        self.promoted = Array(repeating: [], count: ms.count)
    }

    /// Nothing to register: the trial starts at the bottom rung.
    public mutating func addTrial(_ trial: TrialID) {}

    /// Every milestone, then `maxEpochs`.
    public func milestones(for trial: TrialID) -> [Int] { table.milestones + [maxEpochs] }

    /// At a milestone the trial records its result and pauses; at `maxEpochs` it completes.
    public mutating func onResult(trial: TrialID, epoch: Int, value: Double) -> SchedulerDecision {
        if epoch >= maxEpochs { return .complete }
        let loss = mode.loss(value)
        for rung in table.milestones.indices.reversed() where table.milestones[rung] == epoch {
            if table.hasRecorded(trial, at: rung) { return .continue }
            table.record(trial, loss: loss, at: rung)
            paused[trial] = rung
            return .pause
        }
        return .continue
    }

    /// A failed or cancelled trial is no longer promotable.
    public mutating func onTrialEnded(_ trial: TrialID) {
        if let rung = paused.removeValue(forKey: trial) { promoted[rung].insert(trial) }
    }

    /// The trial a free slot should promote now, if any (without changing state).
    public func promotable() -> TrialID? {
        for rung in table.milestones.indices.reversed() {
            let k = Int((Double(table.count(at: rung)) / reductionFactor + 1e-9).rounded(.down))
            guard k > 0 else { continue }
            for t in table.ranked(at: rung).prefix(k) where !promoted[rung].contains(t) && paused[t] == rung {
                return t
            }
        }
        return nil
    }

    /// Promote the best promotable paused trial, else start a new one, else idle.
    public mutating func nextForFreeSlot(canStartNew: Bool) -> SlotDecision {
        if let t = promotable(), let rung = paused.removeValue(forKey: t) {
            promoted[rung].insert(t)
            return .promote(t)
        }
        return canStartNew ? .startNew : .idle
    }
}
