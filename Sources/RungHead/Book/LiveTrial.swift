import RungStore
import RungWire
import RungCore

/// A trial the book still tracks: running, queued to run again, or paused. Everything the
/// head knows about one trial lives here and nowhere else.
struct LiveTrial: Sendable {
    /// The trial's row as last saved.
    var record: TrialRecord
    /// The sweep it belongs to.
    let sweepID: Int64
    /// Its family's index in the sweep config.
    let familyIndex: Int
    /// Its number within the family (the tuner's trial id).
    let number: Int
    /// The highest epoch already fed to the searcher and scheduler.
    var fedEpoch = 0
    /// Waiting for `done` after a pause decision.
    var pausing = false
    /// The decision sent at the latest milestone, repeated if the worker asks again.
    var lastDecision: LastDecision?

    /// A milestone decision and the epoch it was for.
    struct LastDecision: Sendable {
        var epoch: UInt32
        var verdict: Verdict
    }
}
