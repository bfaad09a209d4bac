import Foundation

/// One model family within a sweep and its trial budget. The searcher's state is not
/// stored: the head rebuilds it from the study's trials and their results.
public struct StudyRecord: Sendable, Equatable, Codable {
    /// The sweep this study belongs to.
    public var sweepID: Int64
    /// The model family, e.g. `xgboost`.
    public var family: String
    /// How many trials the family may run.
    public var trialBudget: Int
    /// When the study was created.
    public var createdAt: Date

    /// Creates a study record.
    public init(sweepID: Int64, family: String, trialBudget: Int, createdAt: Date = Date()) {
        self.sweepID = sweepID
        self.family = family
        self.trialBudget = trialBudget
        self.createdAt = createdAt
    }
}
