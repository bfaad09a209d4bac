/// How a cross-validated trial reports its folds (docs/config.md, "Cross-validation"): each
/// validation metric `val_<m>` is the mean over the folds, and `val_<m>_std` the spread
/// (the population standard deviation, numpy's default `std()`), so the searchers and the
/// schedulers decide on the mean without knowing about folds.
public enum FoldMetrics {
    /// The suffix of a metric's spread across folds.
    public static let spreadSuffix = "_std"

    /// The name of `metric`'s spread across folds, e.g. `val_auc_std` for `val_auc`.
    public static func spreadName(of metric: String) -> String { metric + spreadSuffix }

    /// The mean and spread of every metric that each fold reported; a NaN in any fold makes
    /// both NaN.
    public static func summary(_ folds: [[String: Double]]) -> [String: Double] {
        guard let first = folds.first else { return [:] }
        var out: [String: Double] = [:]
        for name in first.keys where folds.allSatisfy({ $0[name] != nil }) {
            let values = folds.map { $0[name]! }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            out[name] = mean
            out[spreadName(of: name)] = variance.squareRoot()
        }
        return out
    }
}
