/// A metric on a split, spelled `<split>_<metric>` as in configs, stores and JSON output,
/// for example `val_auc` or `test_pr_auc`.
public struct MetricName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The split the metric is computed on.
    public var split: MetricSplit
    /// The metric itself.
    public var metric: Metric

    /// A name from its parts.
    public init(_ split: MetricSplit, _ metric: Metric) {
        self.split = split
        self.metric = metric
    }

    /// Parses `val_auc`, `test_logloss`, …; throws `RungError.badInput` naming the text
    /// and the accepted spellings otherwise.
    public init(parsing text: String) throws {
        for split in MetricSplit.allCases {
            let prefix = split.rawValue + "_"
            if text.hasPrefix(prefix), let metric = Metric(rawValue: String(text.dropFirst(prefix.count))) {
                self.init(split, metric)
                return
            }
        }
        let splits = MetricSplit.allCases.map(\.rawValue).joined(separator: ", ")
        let metrics = Metric.allCases.map(\.rawValue).joined(separator: ", ")
        throw RungError.badInput(
            "Unknown metric name '\(text)': expected <split>_<metric> with split one of \(splits) and metric one of \(metrics).")
    }

    /// The spelled-out name, e.g. `val_auc`.
    public var description: String { split.rawValue + "_" + metric.rawValue }

    /// Decodes from the spelled-out name (`"val_auc"`).
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    /// Encodes as the spelled-out name.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
