import Foundation

/// `rung leaderboard --json`.
public struct LeaderboardJSON: Encodable {
    /// The sweep the leaderboard ranks.
    public struct Sweep: Encodable {
        var id: Int64
        var name: String
        var status: String
    }

    /// The document printed when there is no sweep at all.
    public struct Empty: Encodable {
        var store: String
        var sweep: Sweep? = nil
        var trials: [LeaderboardRowJSON]

        /// The empty document for the store at `store`.
        public init(store: String, trials: [LeaderboardRowJSON] = []) {
            self.store = store
            self.trials = trials
        }

        /// Writes every field, missing ones as null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(store, forKey: .store)
            try c.encode(sweep, forKey: .sweep)
            try c.encode(trials, forKey: .trials)
        }

        enum CodingKeys: String, CodingKey { case store, sweep, trials }
    }

    var sweep: Sweep
    var metric: MetricJSON
    var family: String?
    var top: Int
    var total: Int
    var trials: [LeaderboardRowJSON]

    enum CodingKeys: String, CodingKey { case sweep, metric, family, top, total, trials }

    /// Writes every field, missing ones as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sweep, forKey: .sweep)
        try c.encode(metric, forKey: .metric)
        try c.encode(family, forKey: .family)
        try c.encode(top, forKey: .top)
        try c.encode(total, forKey: .total)
        try c.encode(trials, forKey: .trials)
    }
}
