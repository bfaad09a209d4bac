import Foundation
import RungCore
import RungStore
import RungArtifacts
import RungWire
import RungLogging

/// What the trial book asks the head's shell to do after a transition. The book decides;
/// the shell performs, in order: store writes join the loop pass's one transaction, and
/// sends leave after it commits (docs/architecture.md, "One loop pass").
public enum HeadEffect: Equatable, Sendable {
    /// Send `message` to the peer with routing id `identity`.
    case send(WireMessage, to: [UInt8])
    /// Create a trial row with the id the book allocated (the head is the store's only writer).
    case createTrial(TrialRecord)
    /// Save a changed trial row.
    case saveTrial(TrialRecord)
    /// Record one epoch's metrics.
    case recordEpoch(EpochRecord)
    /// Save a worker row.
    case saveWorker(WorkerRecord)
    /// A sweep has no more work: the shell records its end and registers its best models.
    case sweepEnded(SweepEnd)
    /// A frame that was not acted on, with the reason (counted and logged by the shell).
    case dropped(reason: String, from: [UInt8])
    /// A line for the head's log.
    case log(String)
    /// An event for the head's log with the sweep, trial and worker it concerns (trial and
    /// worker events: swift-log metadata with `--log-format`).
    case event(LogLine)
}

/// A sweep that ended, with what registration needs.
public struct SweepEnd: Equatable, Sendable {
    /// The sweep's id.
    public var sweepID: Int64
    /// Its parsed config.
    public var config: SweepConfig
    /// The data its trials trained on.
    public var data: SweepData
    /// Whether it was cancelled (nothing is registered then).
    public var cancelled: Bool
}
