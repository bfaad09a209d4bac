import Foundation

/// How far one trial of a sweep (or, with `trialID` 0, the sweep itself as the parent run)
/// has been exported to its tracking server: the run it was written to, the number of its
/// epoch results written, and the status last written (empty while it is running).
public struct TrackingMark: Equatable, Sendable {
    /// The sweep's id.
    public var sweepID: Int64
    /// The trial's id, or 0 for the sweep's parent run.
    public var trialID: Int64
    /// The tracking server's run id.
    public var runID: String
    /// Epoch results written (the first `epochs` of the trial, in epoch order).
    public var epochs: Int
    /// The status last written: a store status (`finished`, `stopped`, …), or "" while running.
    public var status: String

    /// A mark with every field given.
    public init(sweepID: Int64, trialID: Int64, runID: String, epochs: Int, status: String) {
        self.sweepID = sweepID
        self.trialID = trialID
        self.runID = runID
        self.epochs = epochs
        self.status = status
    }
}

/// A store that keeps tracking export marks (both SQL stores do; migration 6).
public protocol TrackingMarkStore: AnyObject {
    /// The marks of one sweep (all sweeps when nil), ordered by sweep then trial id.
    func trackingMarks(sweepID: Int64?) throws -> [TrackingMark]
    /// Inserts or replaces each mark (keyed by sweep and trial id).
    func saveTrackingMarks(_ marks: [TrackingMark]) throws
}
