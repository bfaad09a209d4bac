/// When a newly registered version replaces the family's production version: its
/// `metric` must beat production's by at least `minImprovement` in the direction `mode`
/// (the config's `register: {metric, min_improvement}`).
public struct PromotionPolicy: Sendable, Equatable, Codable {
    /// Whether larger or smaller metric values are better.
    public enum Mode: String, Sendable, Codable {
        case min, max
    }

    /// The metric compared, e.g. `test_auc`.
    public var metric: String
    /// The least improvement that promotes (non-negative).
    public var minImprovement: Double
    /// Whether larger or smaller values are better.
    public var mode: Mode

    /// Creates a policy; the defaults are `test_auc`, 0.002, max.
    public init(metric: String = "test_auc", minImprovement: Double = 0.002, mode: Mode = .max) {
        self.metric = metric
        self.minImprovement = minImprovement
        self.mode = mode
    }

    /// Whether `candidate` should replace a production version scoring `current` (nil when
    /// there is none). A NaN candidate never wins over an existing production version; a
    /// missing or NaN production value loses to any finite candidate. "At least" allows
    /// 1e-12 of floating-point slack, so 0.802 beats 0.800 by 0.002.
    public func promotes(_ candidate: Double, over current: Double?) -> Bool {
        guard let current, !current.isNaN else { return true }
        guard !candidate.isNaN else { return false }
        let gain = mode == .max ? candidate - current : current - candidate
        return gain >= minImprovement - 1e-12
    }
}
