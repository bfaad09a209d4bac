import Foundation

/// The exit status of a command that waits for a sweep (`rung run`, `rung sweep submit
/// --wait`), chosen so that cron and systemd can act on it (docs/cli.md has the table).
/// Errors keep the `RungError` codes: 64 usage, 65 bad input, 69 unreachable, 70 internal.
public enum SweepExit: Int32 {
    /// The sweep finished; every trial finished or was stopped early by the scheduler.
    case finished = 0
    /// The sweep finished, but at least one trial failed (after its retries); the other
    /// trials' results, the leaderboard and the registry were still written.
    case finishedWithFailedTrials = 3
    /// `rung run` did not run the sweep: the config's `retrain:` gate found no drift (or no
    /// degradation) in the newest batch.
    case skippedNoDrift = 6
    /// The sweep was cancelled (`rung sweep cancel`) before it finished.
    case cancelled = 4
    /// The head gave up on the sweep (its status is `failed`; the message says why).
    case sweepFailed = 5
    /// A stop signal (SIGINT, SIGTERM) ended the command before the sweep ended; the sweep
    /// itself is kept (`rung run`) or goes on on the head (`sweep submit --wait`).
    case interrupted = 130

    /// The status for a sweep that ended with `status` and `failedTrials` failed trials
    /// (nil when unknown, counted as none).
    public static func forSweep(status: String, failedTrials: Int?) -> SweepExit {
        switch status {
        case "cancelled": return .cancelled
        case "failed": return .sweepFailed
        default: return (failedTrials ?? 0) > 0 ? .finishedWithFailedTrials : .finished
        }
    }
}
