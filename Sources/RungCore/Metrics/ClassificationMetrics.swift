import Foundation

/// Binary-classification metrics with scikit-learn's definitions (agreeing to 1e-9), pure
/// functions of 0/1 labels and positive-class probabilities.
///
/// Conventions (checked against scikit-learn 1.9.1 by `bench/reference/metrics_reference.py`):
/// - Hard predictions are positive when `p > 0.5` (strictly), the rule of xgboost's `error`
///   metric and of `XGBClassifier.predict` / `LogisticRegression.predict`; so `p == 0.5`
///   predicts negative.
/// - Precision, recall and F1 with a zero denominator are 0, as scikit-learn's default
///   `zero_division="warn"` returns (rung does not warn).
/// - Log loss clips each probability to [ε, 1 − ε] with ε = `Double.ulpOfOne` (2⁻⁵², numpy's
///   float64 eps, as scikit-learn ≥ 1.5 does) before taking logs, and is defined even when
///   the labels hold one class (scikit-learn needs `labels=[0, 1]` for that).
/// - ROC AUC is the trapezoid area of the ROC curve over distinct thresholds (tied scores
///   count half, the average-rank Mann–Whitney statistic); average precision is the
///   step-wise sum Σ (Rₖ − Rₖ₋₁)·Pₖ over distinct thresholds in decreasing order. Both are
///   `.undefined` when the labels hold a single class.
/// All functions throw `RungError.badInput` for empty or mismatched inputs, labels other than
/// 0 and 1, or probabilities that are not finite numbers in [0, 1].
public enum ClassificationMetrics {
    /// The threshold above which (strictly) a probability is a positive prediction.
    public static let threshold = 0.5
    /// The clipping constant of log loss: float64 machine epsilon, 2⁻⁵².
    public static let logLossEpsilon = Double.ulpOfOne

    /// Throws unless the inputs are non-empty, equally long, 0/1 labels and probabilities in [0, 1].
    public static func validate(labels: [Double], probabilities: [Double]) throws {
        guard !labels.isEmpty else {
            throw RungError.badInput("Cannot compute metrics on zero rows.")
        }
        guard labels.count == probabilities.count else {
            throw RungError.badInput(
                "Cannot compute metrics: \(labels.count) labels but \(probabilities.count) probabilities.")
        }
        for (i, y) in labels.enumerated() where y != 0 && y != 1 {
            throw RungError.badInput("Label \(y) at row \(i) is not 0 or 1.")
        }
        for (i, p) in probabilities.enumerated() where !(p >= 0 && p <= 1) {
            throw RungError.badInput("Probability \(p) at row \(i) is not a number in [0, 1].")
        }
    }

    /// ROC AUC, or `.undefined` when the labels hold a single class.
    public static func auc(labels: [Double], probabilities: [Double]) throws -> MetricValue {
        try validate(labels: labels, probabilities: probabilities)
        return ranking(labels: labels, probabilities: probabilities).auc
    }

    /// Average precision (scikit-learn's `average_precision_score`), or `.undefined` for a single class.
    public static func averagePrecision(labels: [Double], probabilities: [Double]) throws -> MetricValue {
        try validate(labels: labels, probabilities: probabilities)
        return ranking(labels: labels, probabilities: probabilities).averagePrecision
    }

    /// Mean log loss with probabilities clipped to [ε, 1 − ε].
    public static func logLoss(labels: [Double], probabilities: [Double]) throws -> Double {
        try validate(labels: labels, probabilities: probabilities)
        return uncheckedLogLoss(labels: labels, probabilities: probabilities)
    }

    /// Brier score: the mean of (p − y)².
    public static func brier(labels: [Double], probabilities: [Double]) throws -> Double {
        try validate(labels: labels, probabilities: probabilities)
        return uncheckedBrier(labels: labels, probabilities: probabilities)
    }

    /// Accuracy of the hard predictions `p > 0.5`.
    public static func accuracy(labels: [Double], probabilities: [Double]) throws -> Double {
        try validate(labels: labels, probabilities: probabilities)
        return ConfusionCounts(labels: labels, probabilities: probabilities).accuracy
    }

    /// Precision of the hard predictions `p > 0.5`; 0 when nothing is predicted positive.
    public static func precision(labels: [Double], probabilities: [Double]) throws -> Double {
        try validate(labels: labels, probabilities: probabilities)
        return ConfusionCounts(labels: labels, probabilities: probabilities).precision
    }

    /// Recall of the hard predictions `p > 0.5`; 0 when there are no positive labels.
    public static func recall(labels: [Double], probabilities: [Double]) throws -> Double {
        try validate(labels: labels, probabilities: probabilities)
        return ConfusionCounts(labels: labels, probabilities: probabilities).recall
    }

    /// F1 of the hard predictions `p > 0.5`, 2·TP / (2·TP + FP + FN); 0 when that denominator is 0.
    public static func f1(labels: [Double], probabilities: [Double]) throws -> Double {
        try validate(labels: labels, probabilities: probabilities)
        return ConfusionCounts(labels: labels, probabilities: probabilities).f1
    }

    // MARK: - Shared kernels (inputs already validated)

    static func uncheckedLogLoss(labels: [Double], probabilities: [Double]) -> Double {
        let eps = logLossEpsilon
        var total = 0.0
        for i in labels.indices {
            let p = probabilities[i]
            // scikit-learn clips the two-column matrix [1 - p, p], so the negative class
            // uses clip(1 - p), not 1 - clip(p).
            let q = labels[i] == 1 ? p : 1 - p
            total -= Foundation.log(min(max(q, eps), 1 - eps))
        }
        return total / Double(labels.count)
    }

    static func uncheckedBrier(labels: [Double], probabilities: [Double]) -> Double {
        var total = 0.0
        for i in labels.indices {
            let d = probabilities[i] - labels[i]
            total += d * d
        }
        return total / Double(labels.count)
    }

    /// ROC AUC and average precision from one sort by decreasing probability, O(n log n).
    static func ranking(labels: [Double], probabilities: [Double]) -> (auc: MetricValue, averagePrecision: MetricValue) {
        let positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        let negatives = labels.count - positives
        if positives == 0 || negatives == 0 {
            let reason = "the labels hold only class \(positives == 0 ? 0 : 1) (\(labels.count) rows)"
            return (.undefined(reason: reason), .undefined(reason: reason))
        }
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        // Integer counts keep the ROC area exact; the trapezoid over each group of tied
        // scores is Δfp · (tp_before + tp_after) / 2.
        var tp = 0, fp = 0
        var doubledArea = 0          // 2 · Σ Δfp · (tp_before + tp_after) / 2
        var averagePrecision = 0.0
        var k = 0
        while k < order.count {
            let score = probabilities[order[k]]
            let tpBefore = tp, fpBefore = fp
            while k < order.count && probabilities[order[k]] == score {
                if labels[order[k]] == 1 { tp += 1 } else { fp += 1 }
                k += 1
            }
            doubledArea += (fp - fpBefore) * (tpBefore + tp)
            if tp > tpBefore {
                averagePrecision += Double(tp - tpBefore) / Double(positives) * (Double(tp) / Double(tp + fp))
            }
        }
        let auc = Double(doubledArea) / (2.0 * Double(positives) * Double(negatives))
        return (.value(auc), .value(averagePrecision))
    }
}

/// Counts of the 2×2 confusion matrix for the hard predictions `p > 0.5`.
struct ConfusionCounts {
    var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0

    init(labels: [Double], probabilities: [Double]) {
        for i in labels.indices {
            let predicted = probabilities[i] > ClassificationMetrics.threshold
            switch (labels[i] == 1, predicted) {
            case (true, true): truePositives += 1
            case (false, true): falsePositives += 1
            case (false, false): trueNegatives += 1
            case (true, false): falseNegatives += 1
            }
        }
    }

    var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    var accuracy: Double { Double(truePositives + trueNegatives) / Double(total) }
    var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    var f1: Double { ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
