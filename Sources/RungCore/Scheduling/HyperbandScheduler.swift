/// Asynchronous Hyperband: several ASHA brackets (stopping semantics) whose first
/// milestones are grace·η^b for b = 0, 1, …; new trials are spread over the brackets in
/// the proportions of the Hyperband paper (bracket with s halvings gets ∝ η^s/(s+1)),
/// by a deterministic smooth weighted round robin.
public struct HyperbandScheduler: TrialScheduler {
    /// The most epochs any trial trains.
    public let maxEpochs: Int
    /// The brackets, most aggressive (earliest first milestone) first.
    public private(set) var brackets: [ASHAStoppingScheduler]
    /// The share of new trials each bracket receives (sums to 1).
    public let bracketWeights: [Double]
    private var credit: [Double]
    private var bracketOfTrial: [TrialID: Int] = [:]

    /// Creates `brackets` brackets (nil: one per milestone of the grace-period ladder).
    public init(mode: OptimizationMode, maxEpochs: Int, gracePeriod: Int, reductionFactor: Double, brackets: Int? = nil) {
        let ladder = RungTable.milestones(gracePeriod: gracePeriod, reductionFactor: reductionFactor, maxEpochs: maxEpochs)
        let count = max(1, min(brackets ?? ladder.count, ladder.count))
        self.maxEpochs = maxEpochs
        var bs: [ASHAStoppingScheduler] = []
        var weights: [Double] = []
        for b in 0..<count {
            let ms = Array(ladder.dropFirst(b))
            bs.append(ASHAStoppingScheduler(mode: mode, maxEpochs: maxEpochs, reductionFactor: reductionFactor, milestones: ms))
            let halvings = Double(max(ms.filter { $0 < maxEpochs }.count, 0))
            weights.append(_exp(halvings * _log(reductionFactor)) / (halvings + 1))
        }
        let total = weights.reduce(0, +)
        self.brackets = bs
        self.bracketWeights = weights.map { $0 / total }
        self.credit = Array(repeating: 0, count: count)
    }

    /// The bracket `trial` was assigned to.
    public func bracket(of trial: TrialID) -> Int? { bracketOfTrial[trial] }

    /// Assigns the trial to the bracket with the most accumulated credit.
    public mutating func addTrial(_ trial: TrialID) {
        guard bracketOfTrial[trial] == nil else { return }
        for i in credit.indices { credit[i] += bracketWeights[i] }
        var best = 0
        for i in credit.indices where credit[i] > credit[best] + 1e-12 { best = i }
        credit[best] -= 1
        bracketOfTrial[trial] = best
    }

    /// The milestones of the trial's bracket.
    public func milestones(for trial: TrialID) -> [Int] {
        brackets[bracketOfTrial[trial] ?? 0].milestones(for: trial)
    }

    /// Delegates to the trial's bracket.
    public mutating func onResult(trial: TrialID, epoch: Int, value: Double) -> SchedulerDecision {
        if bracketOfTrial[trial] == nil { addTrial(trial) }
        let b = bracketOfTrial[trial] ?? 0
        return brackets[b].onResult(trial: trial, epoch: epoch, value: value)
    }

    /// Nothing to forget.
    public mutating func onTrialEnded(_ trial: TrialID) {}

    /// Start trials while the budget lasts.
    public mutating func nextForFreeSlot(canStartNew: Bool) -> SlotDecision { canStartNew ? .startNew : .idle }
}
