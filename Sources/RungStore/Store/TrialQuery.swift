import RungCore
/// Which trials `Store.trials(matching:)` returns; nil fields do not filter.
/// Results are ordered by trial id.
public struct TrialQuery: Sendable, Equatable {
    /// Only trials of this sweep.
    public var sweepID: Int64?
    /// Only trials of this family.
    public var family: String?
    /// Only trials in one of these statuses.
    public var statuses: Set<TrialRecord.Status>?
    /// Only trials whose sweep is in one of these statuses.
    public var sweepStatuses: Set<SweepRecord.Status>?
    /// At most this many trials.
    public var limit: Int?
    /// Only trials with a larger id (a reader that has dealt with every trial up to it).
    public var afterID: Int64?

    /// Creates a query; with no arguments it matches every trial.
    public init(sweepID: Int64? = nil, family: String? = nil, statuses: Set<TrialRecord.Status>? = nil,
                sweepStatuses: Set<SweepRecord.Status>? = nil, limit: Int? = nil, afterID: Int64? = nil) {
        self.sweepID = sweepID
        self.family = family
        self.statuses = statuses
        self.sweepStatuses = sweepStatuses
        self.limit = limit
        self.afterID = afterID
    }

    /// The trials a restarting head must pick up again: pending, running or paused trials
    /// of queued or running sweeps.
    public static var unfinishedInLiveSweeps: TrialQuery {
        TrialQuery(statuses: [.pending, .running, .paused], sweepStatuses: [.queued, .running])
    }
}
