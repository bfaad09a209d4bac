/// A trial's identity within one searcher (ask-tell numbers trials 0, 1, 2, …).
public typealias TrialID = Int

/// The algorithm that proposes configurations and learns from their results.
///
/// The life of a trial: `suggest` (the trial is then *pending*), any number of
/// `observe` calls with the metric at a budget (an epoch or rung milestone), then one
/// `finish` when the trial completes, is stopped, or fails. Values are in the metric's own
/// scale; the searcher applies the sweep's `OptimizationMode`. Searchers are value types:
/// the same seed and the same sequence of calls give the same suggestions.
public protocol Searcher: Sendable {
    /// The space the searcher draws from.
    var space: SearchSpace { get }
    /// Proposes the parameters of a new trial `trialID` (which must not have been used).
    mutating func suggest(trialID: TrialID) -> [String: ParamValue]
    /// Records the metric `value` of trial `trialID` after `budget` epochs (NaN = diverged).
    mutating func observe(trialID: TrialID, value: Double, budget: Int)
    /// Marks trial `trialID` as no longer running (completed, stopped early, or failed).
    mutating func finish(trialID: TrialID)
    /// Adds a running trial whose parameters were chosen elsewhere (a resumed sweep replaying
    /// its store, or a user-given starting point); results follow through `observe`.
    mutating func register(trialID: TrialID, params: [String: ParamValue])
    /// What the model was fitted on for the latest `suggest` (`.random` before any).
    var lastSuggestionFit: SuggestionFit { get }
}

extension Searcher {
    /// Searchers without a model suggest at random.
    public var lastSuggestionFit: SuggestionFit { .random }
}

/// Which observations a searcher fits when trials report at several budgets.
public enum FidelityPolicy: String, Sendable, Equatable, Codable {
    /// Fit the results of the highest budget (rung) that has enough observations, as BOHB does.
    case highestRung = "highest_rung"
    /// Fit each ended trial's last result, whatever its budget (Ray Tune's HyperOptSearch).
    case lastResult = "last_result"
}
