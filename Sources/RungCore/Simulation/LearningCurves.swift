/// Where a simulated trial's per-epoch metric comes from.
public protocol LearningCurves: Sendable {
    /// The metric of a trial with `params` after `epoch` epochs (1-based); `trial` and the
    /// curves' own seed make any noise reproducible.
    func value(params: [String: ParamValue], epoch: Int, trial: TrialID) -> Double
}
