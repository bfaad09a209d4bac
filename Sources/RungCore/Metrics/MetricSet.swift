/// Every built-in metric computed once from one split's labels and probabilities
/// (one sort, O(n log n)); the head, the store and the registry read metrics from here.
public struct MetricSet: Sendable, Hashable, Codable {
    /// Number of rows the metrics were computed on.
    public var count: Int
    /// Number of positive labels among them.
    public var positives: Int
    /// ROC AUC, undefined for a single class.
    public var auc: MetricValue
    /// Average precision, undefined for a single class.
    public var prAUC: MetricValue
    /// Clipped mean log loss.
    public var logloss: Double
    /// Brier score.
    public var brier: Double
    /// Accuracy at `p > 0.5`.
    public var accuracy: Double
    /// Precision at `p > 0.5` (0 with no positive predictions).
    public var precision: Double
    /// Recall at `p > 0.5` (0 with no positive labels).
    public var recall: Double
    /// F1 at `p > 0.5` (0 when undefined).
    public var f1: Double

    /// Computes all metrics; throws `RungError.badInput` for invalid inputs (see `ClassificationMetrics`).
    public init(labels: [Double], probabilities: [Double]) throws {
        try ClassificationMetrics.validate(labels: labels, probabilities: probabilities)
        let ranking = ClassificationMetrics.ranking(labels: labels, probabilities: probabilities)
        let counts = ConfusionCounts(labels: labels, probabilities: probabilities)
        count = labels.count
        positives = counts.truePositives + counts.falseNegatives
        auc = ranking.auc
        prAUC = ranking.averagePrecision
        logloss = ClassificationMetrics.uncheckedLogLoss(labels: labels, probabilities: probabilities)
        brier = ClassificationMetrics.uncheckedBrier(labels: labels, probabilities: probabilities)
        accuracy = counts.accuracy
        precision = counts.precision
        recall = counts.recall
        f1 = counts.f1
    }

    /// The value of one metric.
    public subscript(metric: Metric) -> MetricValue {
        switch metric {
        case .auc: return auc
        case .prAUC: return prAUC
        case .logloss: return .value(logloss)
        case .brier: return .value(brier)
        case .accuracy: return .value(accuracy)
        case .precision: return .value(precision)
        case .recall: return .value(recall)
        case .f1: return .value(f1)
        }
    }

    /// The defined metrics named for a split, e.g. `["val_auc": 0.71, "val_logloss": 0.6, …]`;
    /// undefined metrics are left out (see `undefined(for:)`).
    public func named(_ split: MetricSplit) -> [String: Double] {
        var out: [String: Double] = [:]
        for metric in Metric.allCases {
            if let v = self[metric].number { out[MetricName(split, metric).description] = v }
        }
        return out
    }

    /// The undefined metrics named for a split, with their reasons.
    public func undefined(for split: MetricSplit) -> [String: String] {
        var out: [String: String] = [:]
        for metric in Metric.allCases {
            if case .undefined(let reason) = self[metric] { out[MetricName(split, metric).description] = reason }
        }
        return out
    }
}
