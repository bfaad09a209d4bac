/// The metrics one trial reported for one epoch, as the leaderboard reads them.
public struct LeaderboardEpoch: Sendable, Equatable {
    /// The trial that reported.
    public var trialID: Int64
    /// The epoch number (1, 2, …).
    public var epoch: Int
    /// Metric name → value; NaN means the metric was undefined.
    public var metrics: [String: Double]

    /// Creates an epoch report.
    public init(trialID: Int64, epoch: Int, metrics: [String: Double]) {
        self.trialID = trialID
        self.epoch = epoch
        self.metrics = metrics
    }

    /// Equal when the trial, epoch and metrics are equal, counting NaN as equal to NaN.
    public static func == (a: LeaderboardEpoch, b: LeaderboardEpoch) -> Bool {
        a.trialID == b.trialID && a.epoch == b.epoch && a.metrics.count == b.metrics.count
            && a.metrics.allSatisfy { key, value in
                guard let other = b.metrics[key] else { return false }
                return value == other || (value.isNaN && other.isNaN)
            }
    }
}
