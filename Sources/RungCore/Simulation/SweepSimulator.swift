/// A discrete-event simulation of a sweep in virtual time: `workers` slots, the config's
/// searcher and scheduler per family, learning curves instead of training. An epoch takes
/// the curves' own epoch time when they have one (a recorded table), else `epochTime`. The same
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
        var tuner: FamilyTuner
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
        var fams: [FamilyState] = config.families.indices.map { FamilyState(tuner: FamilyTuner(config: config, familyIndex: $0)) }
        var slots = [Slot?](repeating: nil, count: workers)
        var clock = 0.0
        var busyTime = 0.0
        var epochs = 0
        var nextFamily = 0
        let maxEpochs = config.scheduler.maxEpochs

        /// The virtual duration of epoch `epoch` of trial `t` of family `f`.
        func duration(_ f: Int, _ t: TrialID, _ epoch: Int) -> Double {
            curves[f].seconds(params: fams[f].tuner.params[t] ?? [:], epoch: epoch, trial: t) ?? epochTime
        }

        /// Gives the free slot `w` work, if any family has some.
        func assign(_ w: Int) {
            for k in 0..<fams.count {
                let f = (nextFamily + k) % fams.count
                guard let a = fams[f].tuner.nextAssignment() else { continue }
                switch a {
                case let .resume(t, _, e):
                    slots[w] = Slot(family: f, trial: t, epoch: e, finishAt: clock + duration(f, t, e + 1), busySince: clock)
                case let .start(t, _):
                    slots[w] = Slot(family: f, trial: t, epoch: 0, finishAt: clock + duration(f, t, 1), busySince: clock)
                }
                nextFamily = (f + 1) % fams.count
                return
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
            let params = fams[f].tuner.params[s.trial] ?? [:]
            let value = curves[f].value(params: params, epoch: s.epoch, trial: s.trial)
            switch fams[f].tuner.report(trial: s.trial, epoch: s.epoch, value: value) {
            case .continue:
                s.finishAt = clock + duration(f, s.trial, s.epoch + 1)
                slots[w] = s
                continue
            case .stop:
                fams[f].stopped[s.epoch, default: 0] += 1
            case .complete:
                fams[f].completed += 1
                if s.epoch >= maxEpochs && (fams[f].best.isNaN || mode.isBetter(value, than: fams[f].best)) {
                    fams[f].best = value
                    fams[f].bestParams = params
                    fams[f].timeToBest = clock
                    fams[f].trialsToBest = fams[f].tuner.started
                    fams[f].trace.append(.init(time: clock, trialsStarted: fams[f].tuner.started, value: value))
                }
            case .pause:
                break
            }
            busyTime += clock - s.busySince
            slots[w] = nil
            // A result may make work available for every idle slot (promotions), not only this one.
            for v in 0..<workers where slots[v] == nil { assign(v) }
        }

        let report = fams.enumerated().map { i, st in
            SimulationReport.Family(name: config.families[i].name, trialsStarted: st.tuner.started, trialsCompleted: st.completed,
                                    stoppedAtEpoch: st.stopped, trialsLeftPaused: st.tuner.pausedAt.count, finalBest: st.best,
                                    bestParams: st.bestParams, timeToBest: st.timeToBest, trialsToBest: st.trialsToBest,
                                    bestTrace: st.trace)
        }
        return SimulationReport(families: report, workers: workers, makespan: clock, epochsRun: epochs,
                                utilisation: clock > 0 ? busyTime / (Double(workers) * clock) : 0)
    }
}
