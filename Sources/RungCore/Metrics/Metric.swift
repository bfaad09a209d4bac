/// A binary-classification metric rung computes itself, with scikit-learn's definition
/// (see `ClassificationMetrics` for the exact conventions).
public enum Metric: String, CaseIterable, Sendable, Codable, Hashable {
    /// Area under the ROC curve; tied scores count half (trapezoid rule).
    case auc
    /// Mean negative log-likelihood, probabilities clipped to [ε, 1 − ε] with ε = 2⁻⁵².
    case logloss
    /// Harmonic mean of precision and recall of the hard predictions `p > 0.5`.
    case f1
    /// Fraction of predicted positives (`p > 0.5`) that are positive.
    case precision
    /// Fraction of positives predicted positive (`p > 0.5`).
    case recall
    /// Fraction of rows whose hard prediction (`p > 0.5`) equals the label.
    case accuracy
    /// Average precision: the step-wise area under the precision-recall curve.
    case prAUC = "pr_auc"
    /// Mean squared difference between probability and label.
    case brier

    /// Whether a larger value is better (true for scores, false for losses).
    public var higherIsBetter: Bool {
        switch self {
        case .auc, .f1, .precision, .recall, .accuracy, .prAUC: return true
        case .logloss, .brier: return false
        }
    }
}
