/// The shared bookkeeping of successive-halving schedulers: milestones and the results
/// recorded at each (as losses: lower is better, NaN already mapped to +infinity).
public struct RungTable: Sendable, Equatable {
    /// The milestone epochs, ascending.
    public let milestones: [Int]
    private var entries: [[Entry]]
    private var members: [Set<TrialID>]
    /// Each rung's losses kept in ascending order as they arrive, so a cutoff is a lookup
    /// rather than a sort of every result at that rung (the head asks at every milestone).
    private var sortedLosses: [[Double]]

    struct Entry: Sendable, Equatable {
        var trial: TrialID
        var loss: Double
    }

    /// grace·η^k for k = 0, 1, … while ≤ maxEpochs (rounded up to whole epochs, duplicates dropped).
    /// Example: grace 2, η 3, max 20 → [2, 6, 18].
    public static func milestones(gracePeriod: Int, reductionFactor: Double, maxEpochs: Int) -> [Int] {
        guard gracePeriod >= 1, reductionFactor > 1, gracePeriod <= maxEpochs else { return [] }
        var out: [Int] = []
        var r = Double(gracePeriod)
        while r <= Double(maxEpochs) + 1e-9 {
            let m = Int((r - 1e-9).rounded(.up))
            if out.last != m { out.append(m) }
            r *= reductionFactor
        }
        return out
    }

    /// A table over the given milestones.
    public init(milestones: [Int]) {
        self.milestones = milestones
        self.entries = Array(repeating: [], count: milestones.count)
        self.members = Array(repeating: [], count: milestones.count)
        self.sortedLosses = Array(repeating: [], count: milestones.count)
    }

    /// Whether `trial` has a result recorded at rung `rung` (an index into `milestones`).
    public func hasRecorded(_ trial: TrialID, at rung: Int) -> Bool { members[rung].contains(trial) }

    /// Records `loss` of `trial` at rung `rung` (ignored if already recorded).
    public mutating func record(_ trial: TrialID, loss: Double, at rung: Int) {
        guard members[rung].insert(trial).inserted else { return }
        entries[rung].append(Entry(trial: trial, loss: loss))
        // Binary search for the first element greater than `loss` (losses are never NaN here).
        var low = 0, high = sortedLosses[rung].count
        while low < high {
            let mid = (low + high) / 2
            if sortedLosses[rung][mid] <= loss { low = mid + 1 } else { high = mid }
        }
        sortedLosses[rung].insert(loss, at: low)
    }

    /// How many trials have reached rung `rung`.
    public func count(at rung: Int) -> Int { entries[rung].count }

    /// The losses recorded at rung `rung`, in arrival order.
    public func losses(at rung: Int) -> [Double] { entries[rung].map(\.loss) }

    /// The loss recorded for `trial` at `rung`.
    public func loss(of trial: TrialID, at rung: Int) -> Double? {
        entries[rung].first(where: { $0.trial == trial })?.loss
    }

    /// The stopping cutoff at rung `rung`: the 1/η quantile of the recorded losses (linear
    /// interpolation, as NumPy's percentile; the mirror of Ray Tune's (1−1/η) reward
    /// quantile). Nil when nothing is recorded yet.
    public func cutoff(at rung: Int, reductionFactor: Double) -> Double? {
        guard !entries[rung].isEmpty else { return nil }
        return MathSupport.quantile(sorted: sortedLosses[rung], 1 / reductionFactor)
    }

    /// The trials of rung `rung` ordered best first (ties: earlier arrival first).
    public func ranked(at rung: Int) -> [TrialID] {
        entries[rung].enumerated().sorted {
            $0.element.loss < $1.element.loss || ($0.element.loss == $1.element.loss && $0.offset < $1.offset)
        }.map(\.element.trial)
    }
}
