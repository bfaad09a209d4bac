import Foundation

/// One sweep in `rung sweep ls --json`.
public struct SweepSummaryJSON: Encodable {
    var id: Int64
    var name: String
    var status: String
    var families: [String]
    var trialsDone: Int
    var trialsTotal: Int
    var metric: MetricJSON?
    var best: BestJSON?
    var createdAt: String
    var finishedAt: String?
    var durationSeconds: Double

    enum CodingKeys: String, CodingKey {
        case id, name, status, families, metric, best
        case trialsDone = "trials_done", trialsTotal = "trials_total", createdAt = "created_at"
        case finishedAt = "finished_at", durationSeconds = "duration_seconds"
    }

    /// Writes every field, missing ones as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(families, forKey: .families)
        try c.encode(trialsDone, forKey: .trialsDone)
        try c.encode(trialsTotal, forKey: .trialsTotal)
        try c.encode(metric, forKey: .metric)
        try c.encode(best, forKey: .best)  // null when no trial has a value yet
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(durationSeconds, forKey: .durationSeconds)
    }
}
