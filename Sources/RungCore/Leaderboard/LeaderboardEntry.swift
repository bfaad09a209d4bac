/// One ranked row of a leaderboard: a trial, its metric at its last reported epoch and
/// its places overall and within its family.
public struct LeaderboardEntry: Sendable, Equatable {
    /// The place among all trials of the leaderboard, from 1.
    public var rank: Int
    /// The place among the trials of the same family, from 1.
    public var familyRank: Int
    /// The trial.
    public var trial: LeaderboardTrial
    /// The epoch whose metrics count: the trial's last reported epoch (nil before any report).
    public var epoch: Int?
    /// The sweep metric at `epoch`; NaN when it is missing or undefined.
    public var value: Double
    /// Every metric reported at `epoch` (empty before any report).
    public var metrics: [String: Double]

    /// Creates an entry.
    public init(rank: Int, familyRank: Int, trial: LeaderboardTrial, epoch: Int?, value: Double, metrics: [String: Double]) {
        self.rank = rank
        self.familyRank = familyRank
        self.trial = trial
        self.epoch = epoch
        self.value = value
        self.metrics = metrics
    }

    /// Whether the trial has a usable (non-NaN) value for the sweep metric.
    public var hasValue: Bool { !value.isNaN }

    /// Equal when every field is equal, counting NaN as equal to NaN.
    public static func == (a: LeaderboardEntry, b: LeaderboardEntry) -> Bool {
        a.rank == b.rank && a.familyRank == b.familyRank && a.trial == b.trial && a.epoch == b.epoch
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
            && LeaderboardEpoch(trialID: 0, epoch: 0, metrics: a.metrics) == LeaderboardEpoch(trialID: 0, epoch: 0, metrics: b.metrics)
    }
}
