/// The two row layouts prediction input may have.
public enum PredictionRowFormat: String, Sendable, CaseIterable {
    /// Columns as in the source CSV: the recipe's cleaning rules are applied.
    case raw
    /// Columns as in prepared split files (`future/batch-001.csv`): already clean.
    case prepared
    /// `raw` when the header has a column the recipe drops or the target's source column
    /// (when it differs from the target's name), else `prepared`.
    case auto
}
