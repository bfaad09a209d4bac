/// What a simulated sweep achieved, in virtual time (one epoch = `epochTime` units).
public struct SimulationReport: Sendable, Equatable {
    /// Per-family results.
    public struct Family: Sendable, Equatable {
        /// The family's name.
        public var name: String
        /// Trials started.
        public var trialsStarted: Int
        /// Trials that trained to `max_epochs`.
        public var trialsCompleted: Int
        /// Trials stopped early, by the epoch (milestone) at which they stopped.
        public var stoppedAtEpoch: [Int: Int]
        /// Trials left paused at a milestone when the sweep ended (promotion ASHA).
        public var trialsLeftPaused: Int
        /// The best metric among trials that reached `max_epochs` (NaN if none did).
        public var finalBest: Double
        /// The best trial's parameters.
        public var bestParams: [String: ParamValue]
        /// Virtual time at which `finalBest` was first reached.
        public var timeToBest: Double
        /// Trials started by then.
        public var trialsToBest: Int
        /// (virtual time, trials started, best final metric so far) each time the best improved.
        public var bestTrace: [BestPoint]
    }

    /// One improvement of the best final metric.
    public struct BestPoint: Sendable, Equatable {
        /// Virtual time of the improvement.
        public var time: Double
        /// Trials started by then.
        public var trialsStarted: Int
        /// The new best metric.
        public var value: Double
    }

    /// Per-family results, in config order.
    public var families: [Family]
    /// Worker slots simulated.
    public var workers: Int
    /// Virtual time when the last trial ended.
    public var makespan: Double
    /// Epochs trained in total.
    public var epochsRun: Int
    /// Busy worker time divided by workers × makespan.
    public var utilisation: Double

    /// The report as one JSON document.
    public func json() -> String {
        JSONText.object([
            ("workers", String(workers)),
            ("makespan", JSONText.number(makespan)),
            ("epochs_run", String(epochsRun)),
            ("utilisation", JSONText.number(utilisation)),
            ("families", JSONText.array(families.map { f in
                JSONText.object([
                    ("name", JSONText.quote(f.name)),
                    ("trials_started", String(f.trialsStarted)),
                    ("trials_completed", String(f.trialsCompleted)),
                    ("stopped_at_epoch", JSONText.object(f.stoppedAtEpoch.keys.sorted().map { (String($0), String(f.stoppedAtEpoch[$0]!)) })),
                    ("trials_left_paused", String(f.trialsLeftPaused)),
                    ("final_best", JSONText.number(f.finalBest)),
                    ("best_params", JSONText.object(f.bestParams.keys.sorted().map { ($0, f.bestParams[$0]!.jsonLiteral) })),
                    ("time_to_best", JSONText.number(f.timeToBest)),
                    ("trials_to_best", String(f.trialsToBest)),
                    ("best_trace", JSONText.array(f.bestTrace.map {
                        JSONText.object([("time", JSONText.number($0.time)), ("trials", String($0.trialsStarted)),
                                         ("value", JSONText.number($0.value))])
                    })),
                ])
            })),
        ])
    }
}
