/// The data split a metric was computed on; it is the prefix of the metric's name
/// (`val_auc`, `test_logloss`, `train_brier`).
public enum MetricSplit: String, CaseIterable, Sendable, Codable, Hashable {
    /// The training rows.
    case train
    /// The validation rows, which early stopping and search decisions use.
    case val
    /// The held-out test rows, used only to report and register the final model.
    case test
}
