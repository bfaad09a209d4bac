/// Settings of the Tree-structured Parzen Estimator (defaults follow Optuna's TPESampler
/// where Optuna and hyperopt differ, and both where they agree).
public struct TPEOptions: Sendable, Equatable {
    /// How many observations go into the "good" group l(x) out of n.
    public enum Gamma: Sendable, Equatable {
        /// Optuna: min(⌈fraction·n⌉, cap); Optuna's default is fraction 0.1, cap 25.
        case linear(fraction: Double, cap: Int)
        /// hyperopt: ⌈factor·√n⌉; hyperopt's default factor is 0.25.
        case sqrt(factor: Double)

        /// The size of the good group for n observations (at least 1 when n ≥ 1).
        public func goodCount(_ n: Int) -> Int {
            guard n > 0 else { return 0 }
            let g: Int
            switch self {
            case let .linear(fraction, cap):
                g = min(Int((fraction * Double(n)).rounded(.up)), cap)
            case let .sqrt(factor):
                g = Int((factor * Double(n).squareRoot()).rounded(.up))
            }
            return min(max(g, 1), n)
        }
    }

    /// Trials drawn at random before the estimator is used (counted as trials with results).
    public var startupTrials: Int = 10
    /// Candidates drawn from l(x); the one maximising l(x)/g(x) is suggested.
    public var candidates: Int = 24
    /// Model the always-active parameters jointly (true) or one at a time (false).
    public var multivariate: Bool = true
    /// The good/bad split rule.
    public var gamma: Gamma = .linear(fraction: 0.1, cap: 25)
    /// Weight of the wide prior kernel relative to one observation.
    public var priorWeight: Double = 1.0
    /// Observations older than the newest `forgetAfter` get linearly decreasing weight (hyperopt, Optuna).
    public var forgetAfter: Int = 25
    /// Count running trials as the worst value in the bad group, so parallel asks spread out.
    public var constantLiar: Bool = true
    /// Which results to fit when trials report at several budgets.
    public var fidelity: FidelityPolicy = .highestRung
    /// Under `.highestRung`: trials that ended below the fitted budget (stopped early) join the
    /// bad group g(x), since the scheduler judged them worse than their rung's cutoff.
    public var stoppedTrialsAsBad: Bool = true
    /// Results a budget needs before the estimator is fitted on it (nil: number of dimensions + 2).
    public var minPointsPerRung: Int? = nil

    /// The defaults.
    public init() {}

    /// Weights for `n` observations in suggestion order: 1 for the newest `forgetAfter`,
    /// a linear ramp from 1/n up to 1 for the older ones.
    public func observationWeights(_ n: Int) -> [Double] {
        guard n > forgetAfter, forgetAfter >= 0 else { return [Double](repeating: 1, count: n) }
        let rampCount = n - forgetAfter
        var w = [Double](repeating: 1, count: n)
        let start = 1.0 / Double(n)
        for i in 0..<rampCount {
            w[i] = rampCount == 1 ? start : start + (1 - start) * Double(i) / Double(rampCount - 1)
        }
        return w
    }
}
