import Foundation

/// One decision of a nightly run's `retrain:` gate, kept in the store (docs/nightly.md):
/// which future batch was compared, what the rule decided and why, the share of drifted
/// columns, and the whole result as JSON (the drift table and each production model's AUC).
/// `key` identifies it everywhere: it is also the name of its JSON copy in the artifacts
/// (`retrain-gate/<key>.json`), so a result kept there while the store was away is recorded
/// once when it comes back.
public struct DriftResultRecord: Sendable, Equatable {
    /// The unique key (`<UTC time>-batch-<k>-<random>`).
    public var key: String
    /// When the gate decided.
    public var recordedAt: Date
    /// The sweep config's name.
    public var configName: String
    /// The future batch compared with the initial train split (0: none yet).
    public var batch: Int
    /// The rule (`always`, `drift`, `degraded`).
    public var when: String
    /// Whether the sweep was to run.
    public var retrain: Bool
    /// Why, in one sentence.
    public var reason: String
    /// The share of drifted source columns, when the data was compared.
    public var driftShare: Double?
    /// The sweep that ran after the gate said yes (nil: none ran, or not yet submitted).
    public var sweepID: Int64?
    /// The whole decision as JSON (`retrain`, `reason`, `drift`, `families`, …).
    public var resultJSON: String

    /// Creates a record.
    public init(key: String, recordedAt: Date, configName: String, batch: Int, when: String, retrain: Bool,
                reason: String, driftShare: Double?, sweepID: Int64?, resultJSON: String) {
        self.key = key
        self.recordedAt = recordedAt
        self.configName = configName
        self.batch = batch
        self.when = when
        self.retrain = retrain
        self.reason = reason
        self.driftShare = driftShare
        self.sweepID = sweepID
        self.resultJSON = resultJSON
    }
}
