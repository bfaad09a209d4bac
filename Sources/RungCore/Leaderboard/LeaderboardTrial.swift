/// One trial as the leaderboard sees it: who it is, where it is, and how far it got.
public struct LeaderboardTrial: Sendable, Equatable {
    /// The trial's id (unique across sweeps); the last tie-break, lower first.
    public var id: Int64
    /// The model family the trial belongs to.
    public var family: String
    /// The trial's status as the store spells it (`running`, `finished`, `stopped`, …).
    public var status: String
    /// The trial's parameters.
    public var params: [String: ParamValue]
    /// How many epochs the trial reached; more epochs win a tie on the metric.
    public var epochs: Int

    /// Creates a leaderboard trial.
    public init(id: Int64, family: String, status: String, params: [String: ParamValue] = [:], epochs: Int) {
        self.id = id
        self.family = family
        self.status = status
        self.params = params
        self.epochs = epochs
    }
}
