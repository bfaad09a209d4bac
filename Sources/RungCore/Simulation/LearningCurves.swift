/// Where a simulated trial's per-epoch metric comes from.
public protocol LearningCurves: Sendable {
    /// The metric of a trial with `params` after `epoch` epochs (1-based); `trial` and the
    /// curves' own seed make any noise reproducible.
    func value(params: [String: ParamValue], epoch: Int, trial: TrialID) -> Double
    /// How long epoch `epoch` (1-based) of a trial with `params` takes, in virtual time, or
    /// nil to use the simulator's fixed epoch time.
    func seconds(params: [String: ParamValue], epoch: Int, trial: TrialID) -> Double?
}

extension LearningCurves {
    /// Synthetic curves have no epoch times of their own.
    public func seconds(params: [String: ParamValue], epoch: Int, trial: TrialID) -> Double? { nil }
}
