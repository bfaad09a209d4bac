import RungCore

/// How far a sweep's tracking export is behind its store rows: the trials (and the sweep's
/// own parent run) whose newest state has not been written to the tracking server yet.
/// Pure: `rung sweep show` and the exporter compute it the same way.
public struct TrackingBacklog: Equatable, Sendable {
    /// Trials with epoch results or an end not yet exported.
    public var trials: Int
    /// Epoch results not yet exported.
    public var epochs: Int
    /// Whether the sweep's parent run still needs writing (created, or ended).
    public var parentPending: Bool

    /// Whether nothing is left to export.
    public var isEmpty: Bool { trials == 0 && epochs == 0 && !parentPending }

    /// A backlog with every field given.
    public init(trials: Int, epochs: Int, parentPending: Bool) {
        self.trials = trials
        self.epochs = epochs
        self.parentPending = parentPending
    }

    /// The backlog of `sweep` given its trials, the highest stored epoch of each trial
    /// (by trial id; missing means none) and its export marks.
    public static func of(sweep: SweepRecord, trials: [TrialRecord], highestEpochs: [Int64: Int],
                          marks: [TrackingMark]) -> TrackingBacklog {
        var byTrial: [Int64: TrackingMark] = [:]
        for mark in marks where mark.sweepID == sweep.id { byTrial[mark.trialID] = mark }
        var trialCount = 0
        var epochCount = 0
        for trial in trials {
            let mark = byTrial[trial.id]
            let stored = highestEpochs[trial.id] ?? 0
            let exported = mark?.epochs ?? 0
            let missingEpochs = max(0, stored - exported)
            let endPending = trial.status.isTerminal && mark?.status != trial.status.rawValue
            if mark == nil || missingEpochs > 0 || endPending { trialCount += 1 }
            epochCount += missingEpochs
        }
        let parent = byTrial[0]
        let parentPending = parent == nil || (sweep.status.isTerminal && parent?.status != sweep.status.rawValue)
        return TrackingBacklog(trials: trialCount, epochs: epochCount, parentPending: parentPending)
    }
}
