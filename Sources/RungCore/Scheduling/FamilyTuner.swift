/// One family's tuning state: its searcher and scheduler wired together the way the head
/// and the simulator both need them. Trials of the family are numbered 0, 1, 2, … in the
/// order they are started.
///
/// Use: when a worker slot is free, call `nextAssignment()`; run the returned trial from
/// `fromEpoch` and send every epoch's metric to `report`, obeying the decision (`continue`
/// keeps training; `stop` and `complete` end the trial; `pause` frees the slot, the trial may
/// come back as a `.resume` assignment). Call `trialFailed` if a trial crashes or is lost.
/// The searcher is fed at the scheduler's milestones and at the trial's last result, so
/// rung-aware fitting sees each trial's value at every rung it reached.
///
/// Warm starts (`warm_start: production`) are parameter sets evaluated before the searcher's
/// own suggestions: trials 0, 1, … take them in order, count toward the budget, and are
/// told to the searcher (`register`, then `observe`) like any other trial.
public struct FamilyTuner: Sendable {
    /// What a free slot should run.
    public enum Assignment: Sendable, Equatable {
        /// A new trial with the searcher's parameters, from epoch 0.
        case start(trial: TrialID, params: [String: ParamValue])
        /// A paused trial promoted by the scheduler; continue after `fromEpoch` epochs.
        case resume(trial: TrialID, params: [String: ParamValue], fromEpoch: Int)
    }

    /// The family being tuned.
    public let family: FamilyConfig
    /// Whether the metric is minimised or maximised.
    public let mode: OptimizationMode
    /// The search algorithm's state.
    public private(set) var searcher: any Searcher
    /// The scheduler's state.
    public private(set) var scheduler: any TrialScheduler
    /// Trials started so far.
    public private(set) var started = 0
    /// Every started trial's parameters.
    public private(set) var params: [TrialID: [String: ParamValue]] = [:]
    /// What the searcher was fitted on when it suggested each trial started by `nextAssignment`.
    public private(set) var suggestionFits: [TrialID: SuggestionFit] = [:]
    /// Paused trials and the epoch they reached.
    public private(set) var pausedAt: [TrialID: Int] = [:]
    /// Parameter sets that trials 0, 1, … evaluate before the searcher suggests any
    /// (at most `family.trials` of them are used).
    public let warmStarts: [[String: ParamValue]]

    /// The tuner of family `index` of `config` (searcher seeded by `config.searcherSeed(forFamilyAt:)`);
    /// its first trials evaluate `warmStarts`, which must be valid in the family's space.
    public init(config: SweepConfig, familyIndex index: Int, warmStarts: [[String: ParamValue]] = []) {
        let family = config.families[index]
        self.family = family
        self.mode = config.metric.mode
        self.searcher = config.searcher.makeSearcher(space: family.space, mode: config.metric.mode,
                                                     seed: config.searcherSeed(forFamilyAt: index))
        self.scheduler = config.scheduler.makeScheduler(mode: config.metric.mode)
        self.warmStarts = warmStarts
    }

    /// Tells the searcher finished trials from elsewhere (`warm_start: history`): each
    /// parameter set (valid in the family's space) with its final metric value, as trials
    /// -1, -2, … that reached `budget` epochs. They shape the searcher's model but use no budget.
    public mutating func tellHistory(_ observations: [(params: [String: ParamValue], value: Double)], budget: Int) {
        for (index, observation) in observations.enumerated() where observation.value.isFinite {
            let id = -(index + 1)
            searcher.register(trialID: id, params: observation.params)
            searcher.observe(trialID: id, value: observation.value, budget: budget)
            searcher.finish(trialID: id)
        }
    }

    /// Whether trial `trial` evaluates a warm-start parameter set rather than a suggestion.
    public func isWarmStart(_ trial: TrialID) -> Bool { trial < warmStarts.count }

    /// Whether the trial budget (`trials:`) is spent.
    public var budgetSpent: Bool { started >= family.trials }

    /// What a free slot should run now, or nil when there is nothing (budget spent and
    /// nothing promotable; more may come when running trials report).
    public mutating func nextAssignment() -> Assignment? {
        switch scheduler.nextForFreeSlot(canStartNew: !budgetSpent) {
        case .promote(let t):
            let e = pausedAt.removeValue(forKey: t) ?? 0
            return .resume(trial: t, params: params[t] ?? [:], fromEpoch: e)
        case .startNew:
            let t = started
            started += 1
            let p: [String: ParamValue]
            if t < warmStarts.count {
                p = warmStarts[t]
                searcher.register(trialID: t, params: p)
                suggestionFits[t] = .warmStart
            } else {
                p = searcher.suggest(trialID: t)
                suggestionFits[t] = searcher.lastSuggestionFit
            }
            params[t] = p
            scheduler.addTrial(t)
            return .start(trial: t, params: p)
        case .idle:
            return nil
        }
    }

    /// The metric `value` of `trial` after `epoch` epochs; returns the scheduler's decision.
    public mutating func report(trial: TrialID, epoch: Int, value: Double) -> SchedulerDecision {
        let decision = scheduler.onResult(trial: trial, epoch: epoch, value: value)
        if decision != .continue || scheduler.milestones(for: trial).contains(epoch) {
            searcher.observe(trialID: trial, value: value, budget: epoch)
        }
        switch decision {
        case .continue:
            break
        case .stop, .complete:
            searcher.finish(trialID: trial)
        case .pause:
            pausedAt[trial] = epoch
            searcher.finish(trialID: trial)
        }
        return decision
    }

    /// Re-creates a trial that was started before a head restart, when the head replays its
    /// store: the searcher learns its parameters and the scheduler registers it, in the
    /// original start order. Its results are then replayed through `report`.
    public mutating func replayStart(trial: TrialID, params p: [String: ParamValue]) {
        params[trial] = p
        started = max(started, trial + 1)
        searcher.register(trialID: trial, params: p)
        scheduler.addTrial(trial)
    }

    /// The trial failed or was lost: it is no longer pending, promotable or running.
    public mutating func trialFailed(_ trial: TrialID) {
        pausedAt.removeValue(forKey: trial)
        scheduler.onTrialEnded(trial)
        searcher.finish(trialID: trial)
    }
}
