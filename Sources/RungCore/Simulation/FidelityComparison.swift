/// Runs one sweep config several times with the searcher fitted on the highest rung
/// (BOHB-style) and on last results (Ray Tune's HyperOptSearch), to measure what the
/// rung-aware fit buys. Seeds r = 0..<repeats shift the config seed (and so the landscape);
/// both variants see the same landscapes.
public struct FidelityComparison: Sendable {
    /// One variant's numbers over the repeats.
    public struct Variant: Sendable, Equatable {
        /// The fit policy.
        public var fidelity: FidelityPolicy
        /// Final best metric per repeat (first family).
        public var finalBest: [Double]
        /// Trials started when the target was first reached, per repeat (nil: never reached).
        public var trialsToTarget: [Int?]
        /// Virtual time when the target was first reached, per repeat (nil: never reached).
        public var timeToTarget: [Double?]
    }

    /// The common target: the worse of the two variants' median final bests.
    public var target: Double
    /// Rung-aware first, last-result second.
    public var variants: [Variant]

    /// Simulates `config` `repeats` times per variant with `curves(config, repeat)` as learning curves.
    public init(config: SweepConfig, workers: Int, repeats: Int, epochTime: Double = 1,
                curves: (SweepConfig, Int) -> [any LearningCurves]) {
        let mode = config.metric.mode
        var runs: [(FidelityPolicy, [SimulationReport])] = []
        for policy in [FidelityPolicy.highestRung, .lastResult] {
            var reports: [SimulationReport] = []
            for r in 0..<max(1, repeats) {
                var c = config
                c.seed = config.seed &+ UInt64(r)
                c.searcher.tpe.fidelity = policy
                reports.append(SweepSimulator(config: c, workers: workers, curves: curves(c, r), epochTime: epochTime).run())
            }
            runs.append((policy, reports))
        }
        func median(_ xs: [Double]) -> Double {
            let s = xs.sorted { mode.loss($0) < mode.loss($1) }
            return s.isEmpty ? .nan : s[s.count / 2]
        }
        let medians = runs.map { median($0.1.map { $0.families[0].finalBest }) }
        let target = medians.max { mode.loss($0) < mode.loss($1) } ?? .nan
        self.target = target
        self.variants = runs.map { policy, reports in
            Variant(fidelity: policy,
                    finalBest: reports.map { $0.families[0].finalBest },
                    trialsToTarget: reports.map { rep in
                        rep.families[0].bestTrace.first { !mode.isBetter(target, than: $0.value) }?.trialsStarted
                    },
                    timeToTarget: reports.map { rep in
                        rep.families[0].bestTrace.first { !mode.isBetter(target, than: $0.value) }?.time
                    })
        }
    }
}
