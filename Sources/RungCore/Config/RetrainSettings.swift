/// `retrain:` in a nightly config (docs/nightly.md): whether `rung run` runs the sweep at
/// all, decided by comparing the newest future batch with the initial training data.
public struct RetrainSettings: Sendable, Equatable {
    /// When to run the sweep.
    public enum When: String, Sendable, Equatable, CaseIterable {
        /// Every night (the default without `retrain:`).
        case always
        /// When the data drifted: at least `driftShare` of the source columns.
        case drift
        /// When a production model's AUC on the newest batch fell more than `maxAUCDrop`
        /// below its recorded test AUC.
        case degraded
    }

    /// The rule.
    public var when: When
    /// The share of drifted columns that counts as drift (default 0.3).
    public var driftShare: Double
    /// The largest AUC drop tolerated (default 0.01).
    public var maxAUCDrop: Double
    /// A column drifts when its test's p-value is below this (default 0.05).
    public var pValue: Double

    /// Creates settings with the documented defaults.
    public init(when: When = .always, driftShare: Double = 0.3, maxAUCDrop: Double = 0.01, pValue: Double = 0.05) {
        self.when = when
        self.driftShare = driftShare
        self.maxAUCDrop = maxAUCDrop
        self.pValue = pValue
    }
}
