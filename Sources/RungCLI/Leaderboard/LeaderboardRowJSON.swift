import Foundation
import RungCore
import RungStore

/// One ranked trial in JSON output (`rung leaderboard --json`, `rung sweep show --json`).
public struct LeaderboardRowJSON: Encodable {
    var rank: Int
    var familyRank: Int
    var trial: Int64
    var number: Int?
    var family: String
    var status: String
    var epochs: Int
    var epoch: Int?
    var value: Double?
    var metrics: [String: Double]
    var params: [String: ParamValue]
    var worker: String?
    var durationSeconds: Double?

    /// The JSON form of a ranked `entry`; `record` adds the trial number, worker and duration (counted to `now`).
    public init(_ entry: LeaderboardEntry, record: TrialRecord?, now: Date) {
        rank = entry.rank
        familyRank = entry.familyRank
        trial = entry.trial.id
        number = record?.number
        family = entry.trial.family
        status = entry.trial.status
        epochs = entry.trial.epochs
        epoch = entry.epoch
        value = entry.hasValue ? entry.value : nil
        metrics = entry.metrics
        params = entry.trial.params
        worker = record?.worker
        durationSeconds = record.flatMap { Humanize.trialSeconds($0, now: now) }
    }

    enum CodingKeys: String, CodingKey {
        case rank, trial, number, family, status, epochs, epoch, value, metrics, params, worker
        case familyRank = "family_rank", durationSeconds = "duration_seconds"
    }

    /// Writes every field, missing ones as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rank, forKey: .rank)
        try c.encode(familyRank, forKey: .familyRank)
        try c.encode(trial, forKey: .trial)
        try c.encode(number, forKey: .number)
        try c.encode(family, forKey: .family)
        try c.encode(status, forKey: .status)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(value, forKey: .value)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(params, forKey: .params)
        try c.encode(worker, forKey: .worker)
        try c.encode(durationSeconds, forKey: .durationSeconds)
    }
}
