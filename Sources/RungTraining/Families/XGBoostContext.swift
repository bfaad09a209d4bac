/// What a family needs besides its parameters to choose XGBoost's parameters for a trial.
public struct XGBoostContext: Sendable, Hashable {
    /// The XGBoost `seed` (already reduced to 0 ..< 2³¹ − 1, see `SeedDerivation`).
    public var seed: Int
    /// XGBoost's `nthread`.
    public var threads: Int
    /// Number of training rows.
    public var trainRows: Int
    /// Fraction of positive training labels.
    public var positiveRate: Double

    /// A context.
    public init(seed: Int, threads: Int, trainRows: Int, positiveRate: Double) {
        self.seed = seed
        self.threads = threads
        self.trainRows = trainRows
        self.positiveRate = positiveRate
    }
}
