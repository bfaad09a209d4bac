import Foundation
import RungCore
import RungStore

/// Everything `rung report` draws, read from the store in one go: the sweep, its parsed
/// config, its trials with their per-epoch metric, and the ranked leaderboard.
public struct ReportData {
    /// One trial with what the plots need.
    public struct Trial {
        /// The stored trial.
        public var record: TrialRecord
        /// Its parameters (flat values only).
        public var params: [String: ParamValue]
        /// The sweep metric per reported epoch, in epoch order (NaN where undefined or missing).
        public var curve: [(epoch: Int, value: Double)]
        /// The metric at its last reported epoch (NaN when undefined or never reported): what
        /// the leaderboard ranks by.
        public var value: Double
        /// Its place on the leaderboard, overall.
        public var rank: Int
        /// Its place on the leaderboard within its family.
        public var familyRank: Int

        /// The trial's id.
        public var id: Int64 { record.id }
        /// The trial's family.
        public var family: String { record.family }
        /// Whether it has a (non-NaN) value for the metric.
        public var hasValue: Bool { !value.isNaN }
    }

    /// The sweep.
    public var sweep: SweepRecord
    /// The sweep's config (the stored YAML, parsed).
    public var config: SweepConfig
    /// The metric trials are ranked by.
    public var metric: MetricSettings
    /// The families shown (all, or the one asked for), in config order.
    public var families: [String]
    /// Each family's trial budget.
    public var budgets: [String: Int]
    /// The trials of the shown families, by id.
    public var trials: [Trial]
    /// The ranked leaderboard of the shown families.
    public var board: Leaderboard
    /// Seconds from submission to finish (or to `generatedAt` while the sweep runs).
    public var duration: TimeInterval
    /// When the report was made.
    public var generatedAt: Date
    /// The family the report is restricted to, if any.
    public var familyFilter: String?

    /// Reads sweep `id` (default: the latest) from `store`, restricted to `family` if given.
    public static func load(store: any Store, sweepID: Int64?, family: String?, now: Date = Date()) throws -> ReportData {
        let record: SweepRecord
        if let sweepID {
            record = try SweepSnapshot.sweep(id: sweepID, in: store)
        } else {
            guard let latest = try store.sweeps().last else {
                throw RungError.badInput("there is no sweep to report on: nothing has run with store \(store.location)")
            }
            record = latest
        }
        let snapshot = try SweepSnapshot.load(record, from: store)
        let config: SweepConfig
        do {
            config = try SweepConfigParser.parse(yaml: record.configYAML, file: "the stored config of sweep \(record.id)")
        } catch let error as RungError {
            throw RungError.badInput("cannot report on sweep \(record.id): \(error.message)")
        }
        var families = config.families.map(\.name)
        for name in snapshot.familyNames where !families.contains(name) { families.append(name) }
        if let family {
            guard families.contains(family) else {
                throw RungError.badInput("sweep \(record.id) has no family \(family) (it has: \(families.joined(separator: ", ")))")
            }
            families = [family]
        }
        let shown = Set(families)
        let epochs = try store.epochs(sweepID: record.id, family: family)
        var curves: [Int64: [(epoch: Int, value: Double)]] = [:]
        for e in epochs {
            curves[e.trialID, default: []].append((e.epoch, e.metrics[snapshot.metric.name] ?? .nan))
        }
        let board = Leaderboard(
            trials: snapshot.board.entries.map(\.trial).filter { shown.contains($0.family) },
            epochs: epochs.map { LeaderboardEpoch(trialID: $0.trialID, epoch: $0.epoch, metrics: $0.metrics) },
            metric: snapshot.metric)
        let ranks = Dictionary(board.entries.map { ($0.trial.id, $0) }, uniquingKeysWith: { a, _ in a })
        let trials = snapshot.trials.filter { shown.contains($0.family) }.map { t -> Trial in
            let entry = ranks[t.id]
            return Trial(record: t, params: entry?.trial.params ?? SweepSnapshot.params(of: t),
                         curve: (curves[t.id] ?? []).sorted { $0.epoch < $1.epoch },
                         value: entry?.value ?? .nan, rank: entry?.rank ?? 0, familyRank: entry?.familyRank ?? 0)
        }
        var budgets: [String: Int] = [:]
        for study in snapshot.studies { budgets[study.family] = study.trialBudget }
        for f in config.families where budgets[f.name] == nil { budgets[f.name] = f.trials }
        return ReportData(sweep: record, config: config, metric: snapshot.metric, families: families,
                          budgets: budgets, trials: trials, board: board, duration: snapshot.duration(now: now),
                          generatedAt: now, familyFilter: family)
    }

    /// The trials of one family, by id.
    public func trials(of family: String) -> [Trial] { trials.filter { $0.family == family } }

    /// The best trial of a family (the leaderboard's first with a value), if any.
    public func best(of family: String) -> Trial? {
        guard let entry = board.bestPerFamily[family] else { return nil }
        return trials.first { $0.id == entry.trial.id }
    }

    /// How many trials of the shown families are in each status, in life order.
    public var statusCounts: [(status: String, count: Int)] {
        TrialRecord.Status.allCases.compactMap { status in
            let n = trials.filter { $0.record.status == status }.count
            return n == 0 ? nil : (status.rawValue, n)
        }
    }

    /// The total trial budget of the shown families.
    public var budget: Int { max(families.reduce(0) { $0 + (budgets[$1] ?? 0) }, trials.count) }
}
