import Foundation
import RungCore
import RungStore

/// One look at a running sweep: how many trials ended out of how many, how many run, and
/// each family's best so far. `rung run` builds it from the store, `rung sweep submit
/// --wait` from the head's replies.
public struct ProgressSnapshot: Equatable {
    /// One family's best value so far (nil: no trial has a value yet).
    public struct FamilyBest: Equatable {
        /// The family.
        public var family: String
        /// Its best value (nil: none yet).
        public var value: Double?


        /// `family`'s best `value`.
        public init(family: String, value: Double?) {
            self.family = family
            self.value = value
        }
    }

    /// The sweep.
    public var sweepID: Int64
    /// The trial budget of all families.
    public var total: Int
    /// Trials that will not train again (finished, stopped, failed, cancelled).
    public var ended: Int
    /// Trials training now.
    public var running: Int
    /// Trials that failed (nil when the source cannot tell).
    public var failed: Int?
    /// Connected workers (nil when unknown).
    public var workers: Int?
    /// The sweep metric's name (nil when unknown).
    public var metric: String?
    /// The best value so far per family, in config order (empty when unknown).
    public var best: [FamilyBest]

    /// A snapshot of these counts.
    public init(sweepID: Int64, total: Int, ended: Int, running: Int, failed: Int?, workers: Int?, metric: String?, best: [FamilyBest]) {
        self.sweepID = sweepID
        self.total = total
        self.ended = ended
        self.running = running
        self.failed = failed
        self.workers = workers
        self.metric = metric
        self.best = best
    }

    /// Reads a sweep's progress from the store; `config` is the sweep's parsed config.
    /// The best so far is `BestPerFamily`'s over every trial: the best value at a trial's
    /// last reported epoch, as the leaderboard ranks it.
    public static func load(sweepID: Int64, config: SweepConfig, store: any Store, workers: Int?) throws -> ProgressSnapshot {
        let trials = try store.trials(sweepID: sweepID)
        let epochs = try store.epochs(sweepID: sweepID, family: nil)
        var last: [Int64: (epoch: Int, value: Double)] = [:]
        for e in epochs where (last[e.trialID]?.epoch ?? Int.min) < e.epoch {
            last[e.trialID] = (e.epoch, e.metrics[config.metric.name] ?? .nan)
        }
        let best = BestPerFamily.best(perFamily: trials.map {
            BestPerFamily.Candidate(id: $0.id, family: $0.family, epochs: last[$0.id]?.epoch ?? 0, value: last[$0.id]?.value)
        }, mode: config.metric.mode)
        let budget = config.families.reduce(0) { $0 + $1.trials }
        return ProgressSnapshot(
            sweepID: sweepID, total: max(budget, trials.count), ended: trials.filter { $0.status.isTerminal }.count,
            running: trials.filter { $0.status == .running }.count, failed: trials.filter { $0.status == .failed }.count,
            workers: workers, metric: config.metric.name,
            best: config.families.map { FamilyBest(family: $0.name, value: best[$0.name]?.value) })
    }

    /// The progress as one line, e.g. "12/40 trials done, 2 running, 2 workers, eta 4m 10s |
    /// best val_auc: xgboost 0.7012  random_forest —".
    public func text(eta: TimeInterval?) -> String {
        var parts = ["\(ended)/\(total) trials done", "\(running) running"]
        if let failed, failed > 0 { parts.append("\(failed) failed") }
        if let workers { parts.append("\(workers) worker\(workers == 1 ? "" : "s")") }
        if let eta { parts.append(eta < 1 ? "eta <1s" : "eta \(SweepProgress.duration(eta))") }
        var line = parts.joined(separator: ", ")
        if !best.isEmpty {
            line += " | best" + (metric.map { " \($0)" } ?? "") + ": "
                + best.map { "\($0.family) \($0.value.map { String(format: "%.4f", $0) } ?? "—")" }.joined(separator: "  ")
        }
        return line
    }
}
