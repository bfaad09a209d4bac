/// Whether a sweep's metric is minimised or maximised.
public enum OptimizationMode: String, Sendable, Equatable, Codable {
    /// Lower values are better (losses, errors).
    case min
    /// Higher values are better (AUC, accuracy).
    case max

    /// Maps a metric value to a loss (lower is better); NaN becomes +infinity, the worst.
    @inline(__always) public func loss(_ value: Double) -> Double {
        if value.isNaN { return .infinity }
        return self == .min ? value : -value
    }

    /// Maps a loss back to the metric's own scale.
    @inline(__always) public func value(fromLoss loss: Double) -> Double {
        self == .min ? loss : -loss
    }

    /// Whether metric value `a` is strictly better than `b` (NaN is worst).
    public func isBetter(_ a: Double, than b: Double) -> Bool { loss(a) < loss(b) }
}
