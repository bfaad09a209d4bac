
/// `rung sweep ls --json`.
public struct SweepListJSON: Encodable {
    var store: String
    var sweeps: [SweepSummaryJSON]

    /// The listing of `sweeps` in the store at `store`.
    public init(store: String, sweeps: [SweepSummaryJSON]) {
        self.store = store
        self.sweeps = sweeps
    }
}
