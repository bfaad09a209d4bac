/// A discrete-event simulation of a sweep in virtual time: `workers` slots, the config's
/// searcher and scheduler per family, learning curves instead of training. The same
/// config, curves and seed always give the same report (ties broken by worker index).
public struct SweepSimulator {
    /// The sweep being simulated.
    public let config: SweepConfig
    /// Worker slots.
    public let workers: Int
    /// Virtual time per epoch.
    public let epochTime: Double
    private let curves: [any LearningCurves]

    /// A simulator for `config` on `workers` slots; `curves[i]` drives family i.
    public init(config: SweepConfig, workers: Int, curves: [any LearningCurves], epochTime: Double = 1) {
        precondition(curves.count == config.families.count, "one learning-curve source per family")
        self.config = config
        self.workers = max(1, workers)
        self.curves = curves
        self.epochTime = epochTime
    }

    private struct Slot {
        var family: Int
        var trial: TrialID
        var epoch: Int
        var finishAt: Double
        var busySince: Double
    }

    private struct FamilyState {
        var searcher: any Searcher
        var scheduler: any TrialScheduler
        var params: [TrialID: [String: ParamValue]] = [:]
        var pausedAt: [TrialID: Int] = [:]
        var started = 0
        var completed = 0
        var stopped: [Int: Int] = [:]
        var best = Double.nan
        var bestParams: [String: ParamValue] = [:]
        var timeToBest = 0.0
        var trialsToBest = 0
        var trace: [SimulationReport.BestPoint] = []
    }

    /// Runs the sweep to the end and reports.
    public func run() -> SimulationReport {
        let mode = config.metric.mode
        var fams: [FamilyState] = config.families.enumerated().map { i, f in
            FamilyState(searcher: config.searcher.makeSearcher(space: f.space, mode: mode, seed: config.searcherSeed(forFamilyAt: i)),
                        scheduler: config.scheduler.makeScheduler(mode: mode))
        }
        var slots = [Slot?](repeating: nil, count: workers)
        var clock = 0.0
        var busyTime = 0.0
        var epochs = 0
        var nextFamily = 0
        let maxEpochs = config.scheduler.maxEpochs

        /// Gives the free slot `w` work, if any family has some.
        func assign(_ w: Int) {
            for k in 0..<fams.count {
                let f = (nextFamily + k) % fams.count
                let canStart = fams[f].started < config.families[f].trials
                switch fams[f].scheduler.nextForFreeSlot(canStartNew: canStart) {
                case .promote(let t):
                    let e = fams[f].pausedAt.removeValue(forKey: t) ?? 0
                    slots[w] = Slot(family: f, trial: t, epoch: e, finishAt: clock + epochTime, busySince: clock)
                    nextFamily = (f + 1) % fams.count
                    return
                case .startNew:
                    let t = fams[f].started
                    fams[f].started += 1
                    let p = fams[f].searcher.suggest(trialID: t)
                    fams[f].params[t] = p
                    fams[f].scheduler.addTrial(t)
                    slots[w] = Slot(family: f, trial: t, epoch: 0, finishAt: clock + epochTime, busySince: clock)
                    nextFamily = (f + 1) % fams.count
                    return
                case .idle:
                    continue
                }
            }
        }

        for w in 0..<workers where slots[w] == nil { assign(w) }
        while true {
            var next: Int? = nil
            for w in 0..<workers {
                if let s = slots[w], next == nil || s.finishAt < slots[next!]!.finishAt { next = w }
            }
            guard let w = next, var s = slots[w] else { break }
            clock = s.finishAt
            s.epoch += 1
            epochs += 1
            let f = s.family
            let params = fams[f].params[s.trial] ?? [:]
            let value = curves[f].value(params: params, epoch: s.epoch, trial: s.trial)
            let decision = fams[f].scheduler.onResult(trial: s.trial, epoch: s.epoch, value: value)
            if decision != .continue || fams[f].scheduler.milestones(for: s.trial).contains(s.epoch) {
                fams[f].searcher.observe(trialID: s.trial, value: value, budget: s.epoch)
            }
            switch decision {
            case .continue:
                s.finishAt = clock + epochTime
                slots[w] = s
                continue
            case .stop:
                fams[f].stopped[s.epoch, default: 0] += 1
                fams[f].searcher.finish(trialID: s.trial)
            case .complete:
                fams[f].completed += 1
                fams[f].searcher.finish(trialID: s.trial)
                if s.epoch >= maxEpochs && (fams[f].best.isNaN || mode.isBetter(value, than: fams[f].best)) {
                    fams[f].best = value
                    fams[f].bestParams = params
                    fams[f].timeToBest = clock
                    fams[f].trialsToBest = fams[f].started
                    fams[f].trace.append(.init(time: clock, trialsStarted: fams[f].started, value: value))
                }
            case .pause:
                fams[f].pausedAt[s.trial] = s.epoch
                fams[f].searcher.finish(trialID: s.trial)
            }
            busyTime += clock - s.busySince
            slots[w] = nil
            // A result may make work available for every idle slot (promotions), not only this one.
            for v in 0..<workers where slots[v] == nil { assign(v) }
        }

        let report = fams.enumerated().map { i, st in
            SimulationReport.Family(name: config.families[i].name, trialsStarted: st.started, trialsCompleted: st.completed,
                                    stoppedAtEpoch: st.stopped, trialsLeftPaused: st.pausedAt.count, finalBest: st.best,
                                    bestParams: st.bestParams, timeToBest: st.timeToBest, trialsToBest: st.trialsToBest,
                                    bestTrace: st.trace)
        }
        return SimulationReport(families: report, workers: workers, makespan: clock, epochsRun: epochs,
                                utilisation: clock > 0 ? busyTime / (Double(workers) * clock) : 0)
    }
}
