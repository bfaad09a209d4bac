/// Compares searcher + scheduler combinations on the same learning curves over many seeds,
/// one family at a time (each alone on the simulated slots), as Syne Tune's simulator
/// backend does with tabulated benchmarks: best metric against virtual time and against
/// trials started, and the virtual time each combination needs to reach a common target —
/// the median final best of ASHA with TPE fitted on last results (Ray Tune's ASHAScheduler +
/// HyperOptSearch).
public struct SchedulerComparison: Sendable {
    /// One searcher + scheduler combination.
    public struct Variant: Sendable, Equatable {
        /// A short name, e.g. `asha+tpe(highest_rung)`.
        public var name: String
        /// The searcher.
        public var searcher: SearcherSettings.Kind
        /// What TPE is fitted on (ignored by random search).
        public var fit: FidelityPolicy
        /// The scheduler.
        public var scheduler: SchedulerSettings.Kind
        /// ASHA's mode (ignored by the other schedulers).
        public var ashaMode: SchedulerSettings.ASHAMode

        /// Creates a variant.
        public init(name: String, searcher: SearcherSettings.Kind, fit: FidelityPolicy = .highestRung,
                    scheduler: SchedulerSettings.Kind, ashaMode: SchedulerSettings.ASHAMode = .stop) {
            self.name = name
            self.searcher = searcher
            self.fit = fit
            self.scheduler = scheduler
            self.ashaMode = ashaMode
        }

        /// `config` with this variant's searcher and scheduler (budgets, milestones and the
        /// other TPE settings stay as the config has them).
        public func applied(to config: SweepConfig) -> SweepConfig {
            var c = config
            c.searcher.type = searcher
            c.searcher.tpe.fidelity = fit
            c.scheduler.type = scheduler
            c.scheduler.ashaMode = ashaMode
            return c
        }
    }

    /// The baseline whose median final best is the target.
    public static let baselineName = "asha+tpe(last_result)"

    /// FIFO + random, ASHA + random, ASHA + TPE on last results (the baseline), ASHA + TPE on
    /// the highest rung (rung's default), promotion ASHA and Hyperband with rung-aware TPE.
    public static let standardVariants: [Variant] = [
        Variant(name: "fifo+random", searcher: .random, scheduler: .fifo),
        Variant(name: "asha+random", searcher: .random, scheduler: .asha),
        Variant(name: baselineName, searcher: .tpe, fit: .lastResult, scheduler: .asha),
        Variant(name: "asha+tpe(highest_rung)", searcher: .tpe, fit: .highestRung, scheduler: .asha),
        Variant(name: "promotion-asha+tpe(highest_rung)", searcher: .tpe, fit: .highestRung, scheduler: .asha, ashaMode: .promote),
        Variant(name: "hyperband+tpe(highest_rung)", searcher: .tpe, fit: .highestRung, scheduler: .hyperband),
        Variant(name: "fifo+tpe", searcher: .tpe, fit: .lastResult, scheduler: .fifo),
    ]

    /// One variant's runs on one family.
    public struct Runs: Sendable, Equatable {
        /// The variant.
        public var variant: Variant
        /// Per seed: the report of the family.
        public var runs: [SimulationReport.Family]
        /// Per seed: virtual time when the last trial ended.
        public var makespans: [Double]
    }

    /// One family's comparison.
    public struct FamilyResult: Sendable, Equatable {
        /// The family.
        public var family: String
        /// The target: the baseline's median final best.
        public var target: Double
        /// Per variant, in `variants` order.
        public var variants: [Runs]
    }

    /// Per family, in config order.
    public var families: [FamilyResult]
    /// Seeds (runs) per variant.
    public let seeds: Int
    /// The metric's direction.
    public let mode: OptimizationMode

    /// Runs every variant `seeds` times (config seed + 0, 1, …) on each family of `config` alone,
    /// with `curves(familyIndex)` as the family's learning curves.
    public init(config: SweepConfig, workers: Int, seeds: Int, epochTime: Double = 1,
                variants: [Variant] = SchedulerComparison.standardVariants,
                curves: (Int) -> any LearningCurves) {
        let mode = config.metric.mode
        self.mode = mode
        self.seeds = max(1, seeds)
        var results: [FamilyResult] = []
        for (i, family) in config.families.enumerated() {
            var single = config
            single.families = [family]
            let source = curves(i)
            var all: [Runs] = []
            for v in variants {
                var runs: [SimulationReport.Family] = []
                var spans: [Double] = []
                for r in 0..<self.seeds {
                    var c = v.applied(to: single)
                    c.seed = config.seed &+ UInt64(r)
                    let report = SweepSimulator(config: c, workers: workers, curves: [source], epochTime: epochTime).run()
                    runs.append(report.families[0])
                    spans.append(report.makespan)
                }
                all.append(Runs(variant: v, runs: runs, makespans: spans))
            }
            let base = all.first { $0.variant.name == Self.baselineName } ?? all[0]
            let target = Self.median(base.runs.map(\.finalBest), mode: mode)
            results.append(FamilyResult(family: family.name, target: target, variants: all))
        }
        self.families = results
    }

    /// The median of `xs` in the metric's order (NaN counts as the worst).
    public static func median(_ xs: [Double], mode: OptimizationMode) -> Double {
        let s = xs.sorted {
            let a = mode.loss($0), b = mode.loss($1)
            if a.isNaN { return false }
            if b.isNaN { return true }
            return a < b
        }
        return s.isEmpty ? .nan : s[s.count / 2]
    }

    /// The best final metric of `run` reached by virtual time `time` (NaN: none yet).
    public static func best(_ run: SimulationReport.Family, atTime time: Double) -> Double {
        run.bestTrace.last { $0.time <= time }?.value ?? .nan
    }

    /// The best final metric of `run` among improvements made while at most `trials` trials had started.
    public static func best(_ run: SimulationReport.Family, atTrials trials: Int) -> Double {
        run.bestTrace.last { $0.trialsStarted <= trials }?.value ?? .nan
    }

    /// The virtual time at which `run` first reached `target` (nil: never).
    public func timeToTarget(_ run: SimulationReport.Family, target: Double) -> Double? {
        run.bestTrace.first { !mode.isBetter(target, than: $0.value) }?.time
    }

    /// The median over seeds of the time to reach the family's target, never-reached counting
    /// as infinite (so the median is infinite when half the runs never reached it).
    public func medianTimeToTarget(_ runs: Runs, target: Double) -> Double {
        let ts = runs.runs.map { timeToTarget($0, target: target) ?? .infinity }.sorted()
        return ts.isEmpty ? .infinity : ts[ts.count / 2]
    }
}
