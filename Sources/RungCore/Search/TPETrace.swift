/// Every intermediate quantity of one TPE suggestion, for the step-by-step differential test
/// against Optuna's TPESampler (bench/search/tpe_diff.py; docs/search.md, "Tracing a
/// suggestion"): the history it saw, the below/above split, and per sampled group of
/// parameters both estimators' kernels, the candidates and their acquisition values.
public struct TPETrace: Sendable {
    /// One trial of the history as the searcher saw it.
    public struct Trial: Sendable {
        /// The trial's id.
        public var id: TrialID
        /// Its parameters (JSON object text, in the space's order).
        public var paramsJSON: String
        /// Its loss at the fitted budget (nil: running, or failed without a result).
        public var loss: Double?
        /// Whether it was still running.
        public var running: Bool
    }

    /// One Parzen estimator: its kernels in observation order, the prior kernel last.
    public struct Estimator: Sendable {
        /// The trials whose observations are kernels (those where every parameter of the group was active).
        public var trials: [TrialID]
        /// Normalised kernel weights.
        public var weights: [Double]
        /// Per parameter of the group: kernel centres and bandwidths (numeric, internal
        /// coordinates) or per-kernel category probabilities (categorical, flattened).
        public var mus: [[Double]]
        /// Bandwidths per parameter (empty for categorical parameters).
        public var sigmas: [[Double]]
        /// Category probabilities per parameter, kernel-major (empty for numeric parameters).
        public var probs: [[Double]]
    }

    /// One jointly sampled group of parameters (all always-active ones under multivariate TPE,
    /// or one parameter).
    public struct Group: Sendable {
        /// The parameters' names.
        public var params: [String]
        /// l(x), fitted on the below (good) trials.
        public var below: Estimator
        /// g(x), fitted on the above (bad and pending) trials.
        public var above: Estimator
        /// The candidates drawn from l(x), internal coordinates after snapping onto the grid.
        public var candidates: [[Double]]
        /// log l(x) per candidate.
        public var logBelow: [Double]
        /// log g(x) per candidate.
        public var logAbove: [Double]
        /// The index of the chosen candidate.
        public var chosen: Int
        /// Extra draws from l(x) from an independent stream (for comparing distributions), if asked.
        public var draws: [[Double]]
    }

    /// The trials known when the suggestion was made, in suggestion order.
    public var history: [Trial] = []
    /// The number of observations the split was made over.
    public var observed: Int = 0
    /// The trials in the below (good) group, ascending.
    public var below: [TrialID] = []
    /// The trials in the above (bad) group, pending ones included, ascending.
    public var above: [TrialID] = []
    /// The sampled groups in the order they were sampled.
    public var groups: [Group] = []

    /// The trace as one JSON object.
    public var json: String {
        func nums(_ xs: [Double]) -> String { JSONText.array(xs.map(JSONText.number)) }
        func ids(_ xs: [TrialID]) -> String { JSONText.array(xs.map { String($0) }) }
        func estimator(_ e: Estimator) -> String {
            JSONText.object([("trials", ids(e.trials)), ("weights", nums(e.weights)),
                             ("mus", JSONText.array(e.mus.map(nums))), ("sigmas", JSONText.array(e.sigmas.map(nums))),
                             ("probs", JSONText.array(e.probs.map(nums)))])
        }
        let hist = history.map { t in
            JSONText.object([("trial", String(t.id)), ("params", t.paramsJSON),
                             ("state", t.running ? "\"running\"" : (t.loss == nil ? "\"fail\"" : "\"complete\"")),
                             ("value", t.loss.map(JSONText.number) ?? "null")])
        }
        let gs = groups.map { g in
            JSONText.object([("params", JSONText.array(g.params.map(JSONText.quote))),
                             ("below", estimator(g.below)), ("above", estimator(g.above)),
                             ("candidates", JSONText.array(g.candidates.map(nums))),
                             ("log_l", nums(g.logBelow)), ("log_g", nums(g.logAbove)),
                             ("chosen", String(g.chosen)),
                             ("draws", JSONText.array(g.draws.map(nums)))])
        }
        return JSONText.object([("history", JSONText.array(hist)), ("observed", String(observed)),
                                ("below", ids(below)), ("above", ids(above)), ("groups", JSONText.array(gs))])
    }
}
