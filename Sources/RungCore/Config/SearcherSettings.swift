/// `searcher:` — which algorithm proposes configurations, and its settings.
public struct SearcherSettings: Sendable, Equatable {
    /// The search algorithms rung offers.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Tree-structured Parzen Estimator.
        case tpe
        /// Independent draws from the priors.
        case random
    }

    /// `type:` (default `tpe`).
    public var type: Kind = .tpe
    /// TPE settings (`startup_trials`, `candidates`, `multivariate`, `constant_liar`, `fit`, `prior_weight`).
    public var tpe = TPEOptions()

    /// The defaults: TPE with `TPEOptions()`.
    public init(type: Kind = .tpe, tpe: TPEOptions = TPEOptions()) {
        self.type = type
        self.tpe = tpe
    }

    /// Creates the searcher for one family.
    public func makeSearcher(space: SearchSpace, mode: OptimizationMode, seed: UInt64) -> any Searcher {
        switch type {
        case .tpe: return TPESearcher(space: space, mode: mode, seed: seed, options: tpe)
        case .random: return RandomSearcher(space: space, seed: seed)
        }
    }
}
