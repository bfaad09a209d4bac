import Foundation

/// One registered version of a model family as the store keeps it: its stage and where
/// its files are. The facts about the model live in the version's `metadata.json`.
public struct ModelVersion: Sendable, Codable {
    /// A version's stage in its family.
    public enum Stage: String, Sendable, Codable, CaseIterable {
        case none, staging, production, archived
    }

    /// The model family.
    public var family: String
    /// The version number, 1, 2, … per family (assigned by `Store.createModelVersion`).
    public var version: Int
    /// The version's stage; at most one version per family is `production`.
    public var stage: Stage
    /// The sweep that produced it, if any.
    public var sweepID: Int64?
    /// The trial that produced it, if any.
    public var trialID: Int64?
    /// Where the version's directory is (a blob-store URI).
    public var uri: String
    /// The model's val/test metrics (copied from its metadata; NaN allowed).
    public var metrics: [String: Double]
    /// When the version was registered.
    public var createdAt: Date

    /// Creates a model-version record; `version` is assigned by the store on creation.
    public init(family: String, version: Int = 0, stage: Stage, sweepID: Int64? = nil, trialID: Int64? = nil,
                uri: String, metrics: [String: Double] = [:], createdAt: Date = Date()) {
        self.family = family
        self.version = version
        self.stage = stage
        self.sweepID = sweepID
        self.trialID = trialID
        self.uri = uri
        self.metrics = metrics
        self.createdAt = createdAt
    }
}

extension ModelVersion: Equatable {
    /// Equal when every field is equal, counting NaN metrics as equal to NaN.
    public static func == (a: ModelVersion, b: ModelVersion) -> Bool {
        a.family == b.family && a.version == b.version && a.stage == b.stage && a.sweepID == b.sweepID
            && a.trialID == b.trialID && a.uri == b.uri && a.createdAt == b.createdAt
            && MetricsJSON.sameMetrics(a.metrics, b.metrics)
    }
}
