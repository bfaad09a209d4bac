import Foundation
import RungCore
import RungStore

/// `rung sweep show --json`.
public struct SweepShowJSON: Encodable {
    /// The sweep's own facts.
    public struct Sweep: Encodable {
        var id: Int64
        var name: String
        var status: String
        var seed: UInt64
        var dataVersion: String?
        var metric: MetricJSON
        var createdAt: String
        var finishedAt: String?
        var durationSeconds: Double
        var trialsDone: Int
        var trialsTotal: Int
        var message: String?

        enum CodingKeys: String, CodingKey {
            case id, name, status, seed, metric, message
            case dataVersion = "data_version", createdAt = "created_at", finishedAt = "finished_at"
            case durationSeconds = "duration_seconds", trialsDone = "trials_done", trialsTotal = "trials_total"
        }
    }

    /// One family: its budget, trials by status, best trial and registered versions.
    public struct Family: Encodable {
        var family: String
        var trialBudget: Int?
        var trials: [String: Int]
        var best: LeaderboardRowJSON?
        var registered: [RegistryVersionJSON]

        enum CodingKeys: String, CodingKey {
            case family, trials, best, registered
            case trialBudget = "trial_budget"
        }

        /// Writes every field, missing ones as null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(family, forKey: .family)
            try c.encode(trialBudget, forKey: .trialBudget)
            try c.encode(trials, forKey: .trials)
            try c.encode(best, forKey: .best)
            try c.encode(registered, forKey: .registered)
        }
    }

    var sweep: Sweep
    var families: [Family]

    /// The document for `snapshot` and the versions it `registered`, durations counted to `now`.
    public init(snapshot: SweepSnapshot, registered: [ModelVersion], now: Date) {
        let s = snapshot.sweep
        sweep = Sweep(id: s.id, name: s.name, status: s.status.rawValue, seed: s.seed, dataVersion: s.dataVersion,
                      metric: MetricJSON(snapshot.metric), createdAt: Humanize.iso(s.createdAt),
                      finishedAt: s.finishedAt.map(Humanize.iso), durationSeconds: snapshot.duration(now: now),
                      trialsDone: snapshot.trialsDone, trialsTotal: snapshot.trialsTotal, message: s.message)
        families = snapshot.familyNames.map { family in
            let trials = snapshot.trials.filter { $0.family == family }
            var counts: [String: Int] = [:]
            for trial in trials { counts[trial.status.rawValue, default: 0] += 1 }
            return Family(
                family: family, trialBudget: snapshot.studies.first { $0.family == family }?.trialBudget, trials: counts,
                best: snapshot.board.bestPerFamily[family].map { LeaderboardRowJSON($0, record: snapshot.trialsByID[$0.trial.id], now: now) },
                registered: registered.filter { $0.family == family }.map(RegistryVersionJSON.init))
        }
    }
}
