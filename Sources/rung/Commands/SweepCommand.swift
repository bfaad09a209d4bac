import ArgumentParser
import Foundation
import RungCore
import RungStore
import RungArtifacts

/// `rung sweep`: submit and cancel sweeps on a running head; list and inspect the store's sweeps.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Submit sweeps to a running head, cancel them, list and inspect them.",
        subcommands: [SweepSubmitCommand.self, SweepCancelCommand.self, SweepListCommand.self, SweepShowCommand.self]
    )
}

/// `rung sweep ls`: one line per sweep.
struct SweepListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List every sweep: id, name, status, families, trials done/total, best metric, created, duration.",
        discussion: "Sweeps are listed oldest first (the newest is at the bottom). The store is opened read-only, so this works while a head runs."
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var through: HeadReadOptions

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        guard let opened = try through.mirror(sweep: nil) ?? store.openReadOnlyIfExists() else {
            if json { try Output.json(SweepListJSON(store: store.maskedStoreURL, sweeps: [])) }
            else { Output.line("no sweeps yet: nothing has run with store \(store.maskedStoreURL)") }
            return
        }
        defer { opened.close() }
        let now = Date()
        let snapshots = try opened.sweeps().map { try SweepSnapshot.load($0, from: opened, strict: false) }
        if json {
            try Output.json(SweepListJSON(store: opened.location, sweeps: snapshots.map { $0.summaryJSON(now: now) }))
            return
        }
        guard !snapshots.isEmpty else {
            Output.line("no sweeps yet: nothing has run with store \(opened.location)")
            return
        }
        let rows = snapshots.map { s -> [String] in
            let best = s.board.best.map { "\(s.metric.name) \(Output.metric($0.value))" } ?? "—"
            return ["\(s.sweep.id)", s.sweep.name, s.sweep.status.rawValue, s.familyNames.joined(separator: ","),
                    "\(s.trialsDone)/\(s.trialsTotal)", best, Humanize.date(s.sweep.createdAt),
                    Humanize.duration(s.duration(now: now))]
        }
        Output.line(TerminalTable.render(
            ["ID", "NAME", "STATUS", "FAMILIES", "TRIALS", "BEST", "CREATED", "DURATION"], rows,
            colour: [2: TerminalStyle.colour(forStatus:)]))
    }
}

/// `rung sweep show ID`: one sweep, family by family.
struct SweepShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one sweep: per family, trials by status, the best trial with its parameters and metrics, and the versions it registered.",
        discussion: "An id that is not in the store exits with status 65."
    )

    @Argument(help: "The sweep id (as printed by `rung sweep ls`).")
    var id: Int64

    @OptionGroup var store: StoreOptions

    @OptionGroup var through: HeadReadOptions

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func run() throws {
        let opened = try through.mirror(sweep: id) ?? store.openReadOnly(missing: "sweep \(id) does not exist")
        defer { opened.close() }
        let sweep = try SweepSnapshot.sweep(id: id, in: opened)
        let snapshot = try SweepSnapshot.load(sweep, from: opened)
        let registered = try opened.modelVersions(family: nil).filter { $0.sweepID == sweep.id }
        let now = Date()
        if json {
            try Output.json(SweepShowJSON(snapshot: snapshot, registered: registered, now: now))
            return
        }
        let s = snapshot.sweep
        Output.line("sweep \(s.id)  \(s.name)  \(TerminalStyle.paint(s.status.rawValue, TerminalStyle.colour(forStatus: s.status.rawValue)))")
        var timing = "  created \(Humanize.date(s.createdAt))"
        if let finished = s.finishedAt { timing += ", finished \(Humanize.date(finished))" }
        timing += ", duration \(Humanize.duration(snapshot.duration(now: now)))"
        Output.line(timing)
        Output.line("  metric \(snapshot.metric.name) (\(snapshot.metric.mode.rawValue)); seed \(s.seed); data version \(s.dataVersion ?? "not yet known")")
        Output.line("  trials \(snapshot.trialsDone)/\(snapshot.trialsTotal) done")
        if let message = s.message, !message.isEmpty { Output.line("  message: \(message)") }
        for family in snapshot.familyNames {
            let trials = snapshot.trials.filter { $0.family == family }
            let budget = snapshot.studies.first { $0.family == family }?.trialBudget
            Output.line("")
            Output.line("\(family): \(trials.count) trial\(trials.count == 1 ? "" : "s")\(budget.map { " of \($0)" } ?? "")"
                        + (trials.isEmpty ? "" : " — " + SweepSnapshot.statusCounts(trials).map { "\($0.value) \($0.key)" }.joined(separator: ", ")))
            if let best = snapshot.board.bestPerFamily[family] {
                let number = snapshot.trialsByID[best.trial.id]?.number
                Output.line("  best: trial \(best.trial.id)\(number.map { " (#\($0))" } ?? ""), \(snapshot.metric.name) \(Output.metric(best.value)) at epoch \(best.epoch ?? 0), \(best.trial.status)")
                Output.line("    params:  \(Humanize.params(best.trial.params, limit: nil))")
                Output.line("    metrics: \(Humanize.metrics(best.metrics))")
            } else {
                Output.line("  best: none yet (no trial has reported \(snapshot.metric.name))")
            }
            let versions = registered.filter { $0.family == family }
            if !versions.isEmpty {
                Output.line("  registered: " + versions.map { v in
                    "\(v.family)@\(v.version) (\(TerminalStyle.paint(v.stage.rawValue, TerminalStyle.colour(forStatus: v.stage.rawValue))), trial \(v.trialID.map(String.init) ?? "—"))"
                }.joined(separator: ", "))
            }
        }
    }
}

/// Everything the sweep views need about one sweep: its record, metric, studies, trials and
/// the ranked leaderboard, read from the store in one go.
struct SweepSnapshot {
    var sweep: SweepRecord
    var metric: MetricSettings
    /// False when the stored config could not be read (only for listings, which then show no best).
    var metricKnown = true
    var studies: [StudyRecord]
    var trials: [TrialRecord]
    var trialsByID: [Int64: TrialRecord]
    var board: Leaderboard

    /// The sweep with `id`, or a bad-input error naming it (exit 65).
    static func sweep(id: Int64, in store: any Store) throws -> SweepRecord {
        guard let sweep = try store.sweep(id: id) else {
            let known = try store.sweeps().map(\.id)
            let hint = known.isEmpty ? "the store has no sweeps" : "known sweeps: \(SweepSnapshot.idList(known))"
            throw RungError.badInput("sweep \(id) does not exist in store \(store.location) (\(hint))")
        }
        return sweep
    }

    /// A short list of ids, e.g. "1, 2, 3" or "1, 2, …, 40".
    static func idList(_ ids: [Int64]) -> String {
        if ids.count <= 6 { return ids.map(String.init).joined(separator: ", ") }
        return (ids.prefix(3).map(String.init) + ["…"] + ids.suffix(2).map(String.init)).joined(separator: ", ")
    }

    /// The metric a sweep ranks by, read from its stored config.
    static func metric(of sweep: SweepRecord) throws -> MetricSettings {
        do {
            return try SweepConfigParser.parse(yaml: sweep.configYAML, file: "the stored config of sweep \(sweep.id)").metric
        } catch let error as RungError {
            throw RungError.badInput("cannot rank sweep \(sweep.id): \(error.message)")
        }
    }

    /// Reads a sweep's studies, trials and epoch results and ranks them. A stored config
    /// that cannot be read is an error when `strict`, else the sweep is listed unranked.
    static func load(_ sweep: SweepRecord, from store: any Store, strict: Bool = true) throws -> SweepSnapshot {
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
    static func params(of trial: TrialRecord) -> [String: ParamValue] {
        if let flat = try? JSONDecoder().decode([String: ParamValue].self, from: Data(trial.paramsJSON.utf8)) { return flat }
        guard let any = try? JSONDecoder().decode([String: JSONValue].self, from: Data(trial.paramsJSON.utf8)) else { return [:] }
        return any.compactMapValues(\.paramValue)
    }

    /// The sweep's families: its studies, plus any family that has trials without a study.
    var familyNames: [String] {
        var names = studies.map(\.family)
        for trial in trials where !names.contains(trial.family) { names.append(trial.family) }
        return names
    }

    /// Trials that will not train again (finished, stopped, failed, cancelled).
    var trialsDone: Int { trials.filter { $0.status.isTerminal }.count }

    /// The trial budget of all studies (at least the number of trials).
    var trialsTotal: Int { max(studies.reduce(0) { $0 + $1.trialBudget }, trials.count) }

    /// Seconds from creation to finish (or to `now` while the sweep is live; for a
    /// terminal sweep without a finish time, to its last trial's finish).
    func duration(now: Date) -> TimeInterval {
        let end = sweep.finishedAt
            ?? (sweep.status.isTerminal ? trials.compactMap(\.finishedAt).max() ?? sweep.createdAt : now)
        return max(0, end.timeIntervalSince(sweep.createdAt))
    }

    /// Trials counted by status, in the order statuses appear in a trial's life.
    static func statusCounts(_ trials: [TrialRecord]) -> [(key: String, value: Int)] {
        TrialRecord.Status.allCases.compactMap { status in
            let count = trials.filter { $0.status == status }.count
            return count == 0 ? nil : (status.rawValue, count)
        }
    }

    /// The `rung sweep ls --json` element for this sweep.
    func summaryJSON(now: Date) -> SweepSummaryJSON {
        SweepSummaryJSON(
            id: sweep.id, name: sweep.name, status: sweep.status.rawValue, families: familyNames,
            trialsDone: trialsDone, trialsTotal: trialsTotal, metric: metricKnown ? MetricJSON(metric) : nil,
            best: board.best.map { BestJSON(trial: $0.trial.id, family: $0.trial.family, value: $0.value, epoch: $0.epoch) },
            createdAt: Humanize.iso(sweep.createdAt), finishedAt: sweep.finishedAt.map(Humanize.iso),
            durationSeconds: duration(now: now))
    }
}

/// `rung sweep ls --json`.
struct SweepListJSON: Encodable {
    var store: String
    var sweeps: [SweepSummaryJSON]
}

/// One sweep in `rung sweep ls --json`.
struct SweepSummaryJSON: Encodable {
    var id: Int64
    var name: String
    var status: String
    var families: [String]
    var trialsDone: Int
    var trialsTotal: Int
    var metric: MetricJSON?
    var best: BestJSON?
    var createdAt: String
    var finishedAt: String?
    var durationSeconds: Double

    enum CodingKeys: String, CodingKey {
        case id, name, status, families, metric, best
        case trialsDone = "trials_done", trialsTotal = "trials_total", createdAt = "created_at"
        case finishedAt = "finished_at", durationSeconds = "duration_seconds"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(families, forKey: .families)
        try c.encode(trialsDone, forKey: .trialsDone)
        try c.encode(trialsTotal, forKey: .trialsTotal)
        try c.encode(metric, forKey: .metric)
        try c.encode(best, forKey: .best)  // null when no trial has a value yet
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(durationSeconds, forKey: .durationSeconds)
    }
}

/// A metric and its direction in JSON output.
struct MetricJSON: Encodable {
    var name: String
    var mode: String
    init(_ metric: MetricSettings) {
        name = metric.name
        mode = metric.mode.rawValue
    }
}

/// The best trial of a sweep in `rung sweep ls --json`.
struct BestJSON: Encodable {
    var trial: Int64
    var family: String
    var value: Double
    var epoch: Int?
}

/// `rung sweep show --json`.
struct SweepShowJSON: Encodable {
    struct Sweep: Encodable {
        var id: Int64
        var name: String
        var status: String
        var seed: UInt64
        var dataVersion: String?
        var metric: MetricJSON
        var createdAt: String
        var finishedAt: String?
        var durationSeconds: Double
        var trialsDone: Int
        var trialsTotal: Int
        var message: String?

        enum CodingKeys: String, CodingKey {
            case id, name, status, seed, metric, message
            case dataVersion = "data_version", createdAt = "created_at", finishedAt = "finished_at"
            case durationSeconds = "duration_seconds", trialsDone = "trials_done", trialsTotal = "trials_total"
        }
    }

    struct Family: Encodable {
        var family: String
        var trialBudget: Int?
        var trials: [String: Int]
        var best: LeaderboardRowJSON?
        var registered: [RegistryVersionJSON]

        enum CodingKeys: String, CodingKey {
            case family, trials, best, registered
            case trialBudget = "trial_budget"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(family, forKey: .family)
            try c.encode(trialBudget, forKey: .trialBudget)
            try c.encode(trials, forKey: .trials)
            try c.encode(best, forKey: .best)
            try c.encode(registered, forKey: .registered)
        }
    }

    var sweep: Sweep
    var families: [Family]

    init(snapshot: SweepSnapshot, registered: [ModelVersion], now: Date) {
        let s = snapshot.sweep
        sweep = Sweep(id: s.id, name: s.name, status: s.status.rawValue, seed: s.seed, dataVersion: s.dataVersion,
                      metric: MetricJSON(snapshot.metric), createdAt: Humanize.iso(s.createdAt),
                      finishedAt: s.finishedAt.map(Humanize.iso), durationSeconds: snapshot.duration(now: now),
                      trialsDone: snapshot.trialsDone, trialsTotal: snapshot.trialsTotal, message: s.message)
        families = snapshot.familyNames.map { family in
            let trials = snapshot.trials.filter { $0.family == family }
            var counts: [String: Int] = [:]
            for trial in trials { counts[trial.status.rawValue, default: 0] += 1 }
            return Family(
                family: family, trialBudget: snapshot.studies.first { $0.family == family }?.trialBudget, trials: counts,
                best: snapshot.board.bestPerFamily[family].map { LeaderboardRowJSON($0, record: snapshot.trialsByID[$0.trial.id], now: now) },
                registered: registered.filter { $0.family == family }.map(RegistryVersionJSON.init))
        }
    }
}
