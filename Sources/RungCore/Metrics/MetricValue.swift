/// The value of one metric, or the reason it has none (for example ROC AUC when the
/// labels hold a single class): never a made-up number.
public enum MetricValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A defined value.
    case value(Double)
    /// The metric is undefined on this data; the reason says why.
    case undefined(reason: String)

    /// The number, or nil when undefined.
    public var number: Double? {
        if case .value(let v) = self { return v }
        return nil
    }

    /// The number, or the word "undefined" with its reason.
    public var description: String {
        switch self {
        case .value(let v): return "\(v)"
        case .undefined(let reason): return "undefined (\(reason))"
        }
    }
}
