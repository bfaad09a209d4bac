/// Random search: every parameter drawn independently from its prior.
public struct RandomSearcher: Searcher {
    /// The space the searcher draws from.
    public let space: SearchSpace
    private var rng: SeededGenerator

    /// Creates a random searcher over `space` whose draws are fixed by `seed`.
    public init(space: SearchSpace, seed: UInt64) {
        self.space = space
        self.rng = SeededGenerator(seed: seed)
    }

    /// Draws a fresh configuration.
    public mutating func suggest(trialID: TrialID) -> [String: ParamValue] {
        space.sampleRandom(using: &rng)
    }

    /// Random search ignores results.
    public mutating func observe(trialID: TrialID, value: Double, budget: Int) {}

    /// Random search keeps no pending set.
    public mutating func finish(trialID: TrialID) {}

    /// Random search keeps no history.
    public mutating func register(trialID: TrialID, params: [String: ParamValue]) {}
}
