import Foundation
import RungCore
import RungStore

/// Everything the sweep views need about one sweep: its record, metric, studies, trials and
/// the ranked leaderboard, read from the store in one go.
public struct SweepSnapshot {
    /// The sweep's record.
    public var sweep: SweepRecord
    /// The metric the sweep ranks by.
    public var metric: MetricSettings
    /// False when the stored config could not be read (only for listings, which then show no best).
    public var metricKnown = true
    /// The sweep's studies, one per family.
    public var studies: [StudyRecord]
    /// The sweep's trials.
    public var trials: [TrialRecord]
    /// The sweep's trials by id.
    public var trialsByID: [Int64: TrialRecord]
    /// The trials ranked by the metric at their last reported epoch.
    public var board: Leaderboard

    /// The sweep with `id`, or a bad-input error naming it (exit 65).
    public static func sweep(id: Int64, in store: any Store) throws -> SweepRecord {
        guard let sweep = try store.sweep(id: id) else {
            let known = try store.sweeps().map(\.id)
            let hint = known.isEmpty ? "the store has no sweeps" : "known sweeps: \(SweepSnapshot.idList(known))"
            throw RungError.badInput("sweep \(id) does not exist in store \(store.location) (\(hint))")
        }
        return sweep
    }

    /// A short list of ids, e.g. "1, 2, 3" or "1, 2, …, 40".
    public static func idList(_ ids: [Int64]) -> String {
        if ids.count <= 6 { return ids.map(String.init).joined(separator: ", ") }
        return (ids.prefix(3).map(String.init) + ["…"] + ids.suffix(2).map(String.init)).joined(separator: ", ")
    }

    /// The metric a sweep ranks by, read from its stored config.
    public static func metric(of sweep: SweepRecord) throws -> MetricSettings {
        do {
            return try SweepConfigParser.parse(yaml: sweep.configYAML, file: "the stored config of sweep \(sweep.id)").metric
        } catch let error as RungError {
            throw RungError.badInput("cannot rank sweep \(sweep.id): \(error.message)")
        }
    }

    /// Reads a sweep's studies, trials and epoch results and ranks them. A stored config
    /// that cannot be read is an error when `strict`, else the sweep is listed unranked.
    public static func load(_ sweep: SweepRecord, from store: any Store, strict: Bool = true) throws -> SweepSnapshot {
        var metricKnown = true
        let metric: MetricSettings
        do {
            metric = try Self.metric(of: sweep)
        } catch where !strict {
            metric = MetricSettings(name: "?", mode: .max)
            metricKnown = false
        }
        let studies = try store.studies(sweepID: sweep.id)
        let trials = try store.trials(sweepID: sweep.id)
        let epochs = metricKnown ? try store.epochs(sweepID: sweep.id, family: nil) : []
        let board = Leaderboard(
            trials: trials.map { LeaderboardTrial(id: $0.id, family: $0.family, status: $0.status.rawValue,
                                                  params: params(of: $0), epochs: $0.lastEpoch) },
            epochs: epochs.map { LeaderboardEpoch(trialID: $0.trialID, epoch: $0.epoch, metrics: $0.metrics) },
            metric: metric)
        return SweepSnapshot(sweep: sweep, metric: metric, metricKnown: metricKnown, studies: studies, trials: trials,
                             trialsByID: Dictionary(trials.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
                             board: board)
    }

    /// A trial's parameters; parameters the leaderboard cannot read (nested JSON) are left out.
    public static func params(of trial: TrialRecord) -> [String: ParamValue] {
        if let flat = try? JSONDecoder().decode([String: ParamValue].self, from: Data(trial.paramsJSON.utf8)) { return flat }
        guard let any = try? JSONDecoder().decode([String: JSONValue].self, from: Data(trial.paramsJSON.utf8)) else { return [:] }
        return any.compactMapValues(\.paramValue)
    }

    /// The sweep's families: its studies, plus any family that has trials without a study.
    public var familyNames: [String] {
        var names = studies.map(\.family)
        for trial in trials where !names.contains(trial.family) { names.append(trial.family) }
        return names
    }

    /// Trials that will not train again (finished, stopped, failed, cancelled).
    public var trialsDone: Int { trials.filter { $0.status.isTerminal }.count }

    /// The trial budget of all studies (at least the number of trials).
    public var trialsTotal: Int { max(studies.reduce(0) { $0 + $1.trialBudget }, trials.count) }

    /// Seconds from creation to finish (or to `now` while the sweep is live; for a
    /// terminal sweep without a finish time, to its last trial's finish).
    public func duration(now: Date) -> TimeInterval {
        let end = sweep.finishedAt
            ?? (sweep.status.isTerminal ? trials.compactMap(\.finishedAt).max() ?? sweep.createdAt : now)
        return max(0, end.timeIntervalSince(sweep.createdAt))
    }

    /// Trials counted by status, in the order statuses appear in a trial's life.
    public static func statusCounts(_ trials: [TrialRecord]) -> [(key: String, value: Int)] {
        TrialRecord.Status.allCases.compactMap { status in
            let count = trials.filter { $0.status == status }.count
            return count == 0 ? nil : (status.rawValue, count)
        }
    }

    /// The `rung sweep ls --json` element for this sweep.
    public func summaryJSON(now: Date) -> SweepSummaryJSON {
        SweepSummaryJSON(
            id: sweep.id, name: sweep.name, status: sweep.status.rawValue, families: familyNames,
            trialsDone: trialsDone, trialsTotal: trialsTotal, metric: metricKnown ? MetricJSON(metric) : nil,
            best: board.best.map { BestJSON(trial: $0.trial.id, family: $0.trial.family, value: $0.value, epoch: $0.epoch) },
            createdAt: Humanize.iso(sweep.createdAt), finishedAt: sweep.finishedAt.map(Humanize.iso),
            durationSeconds: duration(now: now))
    }
}
