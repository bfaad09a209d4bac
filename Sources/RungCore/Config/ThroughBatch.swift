/// `data.through_batch:` — which future batches of the prepared data are added to the
/// training split (cumulative retraining; docs/nightly.md).
public enum ThroughBatch: Sendable, Equatable, CustomStringConvertible {
    /// Future batches 1…k are appended to train (0 means none: the initial data only).
    case batch(Int)
    /// As many batches as `rung data advance` has recorded for the data (0 before the first advance).
    case latest

    /// The value as written in a config (`3`, `latest`).
    public var description: String {
        switch self {
        case .batch(let k): return String(k)
        case .latest: return "latest"
        }
    }
}
