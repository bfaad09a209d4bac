import RungCore

/// A metric and its direction in JSON output.
public struct MetricJSON: Encodable {
    var name: String
    var mode: String
    /// The JSON form of `metric`.
    public init(_ metric: MetricSettings) {
        name = metric.name
        mode = metric.mode.rawValue
    }
}
