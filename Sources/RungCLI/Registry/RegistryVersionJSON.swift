import Foundation
import RungCore
import RungStore

/// One model version in JSON output.
public struct RegistryVersionJSON: Encodable {
    var family: String
    var version: Int
    var stage: String
    var sweepID: Int64?
    var trialID: Int64?
    var uri: String
    var metrics: [String: Double]
    var createdAt: String

    /// The JSON form of the model version `v`.
    public init(_ v: ModelVersion) {
        family = v.family
        version = v.version
        stage = v.stage.rawValue
        sweepID = v.sweepID
        trialID = v.trialID
        uri = v.uri
        metrics = v.metrics
        createdAt = Humanize.iso(v.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case family, version, stage, uri, metrics
        case sweepID = "sweep_id", trialID = "trial_id", createdAt = "created_at"
    }

    /// Writes every field, missing sweep and trial ids as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(family, forKey: .family)
        try c.encode(version, forKey: .version)
        try c.encode(stage, forKey: .stage)
        try c.encode(sweepID, forKey: .sweepID)
        try c.encode(trialID, forKey: .trialID)
        try c.encode(uri, forKey: .uri)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(createdAt, forKey: .createdAt)
    }

    /// The metrics a registry listing shows: test_auc and val_auc when present, else the first two.
    public static func keyMetrics(_ metrics: [String: Double]) -> String {
        var names = ["test_auc", "val_auc"].filter { metrics[$0] != nil }
        if names.isEmpty { names = Array(metrics.keys.sorted().prefix(2)) }
        guard !names.isEmpty else { return "—" }
        return names.map { "\($0)=\(Output.metric(metrics[$0]))" }.joined(separator: " ")
    }
}
