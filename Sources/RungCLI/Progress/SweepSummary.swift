import Foundation
import RungCore
import RungStore

/// What `rung run` prints at the end: per family, the trials and the best one; the
/// registered versions; or all of it as one JSON document.
public struct SweepSummary: Encodable {
    /// One family's trials and its best trial.
    public struct Family: Encodable {
        /// The family's name.
        public var name: String
        /// The family's trials, of every status.
        public var trials: Int
        /// The trials that finished.
        public var finished: Int
        /// The trials the scheduler stopped early.
        public var stopped: Int
        /// The trials that failed.
        public var failed: Int
        /// The best trial, as registration picks it.
        public var bestTrial: Int64?
        /// The best trial's metric value.
        public var bestValue: Double?
        /// The best trial's parameters as JSON.
        public var bestParams: String?
        /// Seconds spent training, over all trials.
        public var trainSeconds: Double
        enum CodingKeys: String, CodingKey {
            case name, trials, finished, stopped, failed
            case bestTrial = "best_trial", bestValue = "best_value", bestParams = "best_params", trainSeconds = "train_seconds"
        }
    }

    /// The sweep id.
    public var sweep: Int64
    /// The sweep's name.
    public var name: String
    /// The sweep's status.
    public var status: String
    /// The sweep metric's name.
    public var metric: String
    /// Seconds from the start of training to the end.
    public var elapsedSeconds: Double
    /// Per family, in config order.
    public var families: [Family]
    /// The versions registered, as the sweep's final message lists them.
    public var registered: [String]
    /// Up to five failed trials with their reasons.
    public var failures: [String]

    enum CodingKeys: String, CodingKey {
        case sweep, name, status, metric, families, registered, failures
        case elapsedSeconds = "elapsed_seconds"
    }

    /// Reads the summary of sweep `sweepID` from `store`; `elapsed` is the time it took.
    public init(store: any Store, sweepID: Int64, elapsed: Double) throws {
        guard let record = try store.sweep(id: sweepID) else {
            throw RungError.internalFailure("sweep \(sweepID) vanished from the store")
        }
        let config = try SweepConfigParser.parse(yaml: record.configYAML, file: "sweep \(sweepID)")
        let trials = try store.trials(sweepID: sweepID)
        let epochs = try store.epochs(sweepID: sweepID, family: nil)
        var last: [Int64: Double] = [:]
        var seconds: [String: Double] = [:]
        let familyOf = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0.family) })
        for e in epochs.sorted(by: { ($0.trialID, $0.epoch) < ($1.trialID, $1.epoch) }) {
            if let v = e.metrics[config.metric.name] { last[e.trialID] = v }
            if let f = familyOf[e.trialID], !e.seconds.isNaN { seconds[f, default: 0] += e.seconds }
        }
        sweep = sweepID
        name = record.name
        status = record.status.rawValue
        metric = config.metric.name
        elapsedSeconds = elapsed
        registered = (record.message ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        failures = trials.filter { $0.status == .failed }.prefix(5).map { "trial \($0.id) (\($0.family)): \($0.reason ?? "failed")" }
        families = config.families.map { f in
            let mine = trials.filter { $0.family == f.name }
            let finished = mine.filter { $0.status == .finished }
            // The trial registration would pick (docs/cli.md, "Best per family"): among the
            // finished trials, or among all while none has finished.
            let pool = finished.isEmpty ? mine : finished
            let bestID = BestPerFamily.best(of: pool.map {
                BestPerFamily.Candidate(id: $0.id, family: $0.family, epochs: $0.lastEpoch, value: last[$0.id])
            }, mode: config.metric.mode)?.id
            let best = bestID.flatMap { id in pool.first { $0.id == id } }
            return Family(name: f.name, trials: mine.count, finished: finished.count,
                          stopped: mine.filter { $0.status == .stopped }.count,
                          failed: mine.filter { $0.status == .failed }.count,
                          bestTrial: best?.id, bestValue: best.flatMap { last[$0.id] }, bestParams: best?.paramsJSON,
                          trainSeconds: seconds[f.name] ?? 0)
        }
    }

    /// Prints the summary as tables on stdout, or as one JSON document with `json`.
    public func print(json: Bool) throws {
        if json { try Output.json(self); return }
        Output.line("")
        Output.line("sweep \(sweep) \(name) \(status) in \(SweepProgress.duration(elapsedSeconds))")
        let rows = families.map { f in
            [f.name, "\(f.trials)", "\(f.finished)", "\(f.stopped)", "\(f.failed)",
             Output.metric(f.bestValue), f.bestTrial.map(String.init) ?? "—", Output.seconds(f.trainSeconds)]
        }
        Output.line(Output.table(["family", "trials", "finished", "stopped", "failed", "best \(metric)", "trial", "train_s"], rows))
        for f in families {
            if let p = f.bestParams { Output.line("  \(f.name) best params: \(p)") }
        }
        if !registered.isEmpty {
            Output.line("registered:")
            for r in registered { Output.line("  \(r)") }
        }
        for failure in failures { Output.line("failed: \(failure)") }
        Output.line("more: `rung leaderboard \(sweep) --top 50`, `rung sweep show \(sweep)`, `rung registry ls`")
    }
}
