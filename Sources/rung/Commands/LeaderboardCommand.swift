import ArgumentParser
import Foundation
import RungCore
import RungStore

/// `rung leaderboard`: a sweep's trials ranked by its metric.
struct LeaderboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Rank a sweep's trials by the sweep metric at their last reported epoch.",
        discussion: """
        Trials without a value for the metric rank last; ties go to more epochs, then the lower \
        trial id. Without --family the rank is overall; with it, the rank within the family. \
        The store is opened read-only, so this works while a head runs.

        The table fits the terminal (or $COLUMNS when stdout is not a terminal; --wide: never \
        cut). Status words are coloured on a terminal unless NO_COLOR is set; pipes, files, \
        --csv and --json never carry escape codes.
        """
    )

    @Argument(help: "The sweep id. Default: the latest sweep.")
    var sweep: Int64?

    @Option(help: "Only trials of this model family.")
    var family: String?

    @Option(help: "Show the best K trials.")
    var top: Int = 10

    @OptionGroup var store: StoreOptions

    @OptionGroup var through: HeadReadOptions

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    @Flag(help: "Print CSV (with a header row) instead of a table.")
    var csv = false

    @Flag(help: "Never cut the table to the terminal's width (by default a wide table cuts the parameters, then leaves out the worker and duration columns).")
    var wide = false

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1, not \(top).") }
        if json && csv { throw ValidationError("--json and --csv cannot be combined; choose one.") }
    }

    func run() throws {
        let opened: any Store
        if let mirrored = try through.mirror(sweep: sweep, latest: true) {
            opened = mirrored
        } else if let sweep {
            opened = try store.openReadOnly(missing: "sweep \(sweep) does not exist")
        } else {
            guard let existing = try store.openReadOnlyIfExists() else {
                noSweeps(store.maskedStoreURL)
                return
            }
            opened = existing
        }
        defer { opened.close() }
        let record: SweepRecord
        if let sweep {
            record = try SweepSnapshot.sweep(id: sweep, in: opened)
        } else {
            guard let latest = try opened.sweeps().last else {
                noSweeps(opened.location)
                return
            }
            record = latest
        }
        let snapshot = try SweepSnapshot.load(record, from: opened)
        if let family, !snapshot.familyNames.contains(family) {
            let known = snapshot.familyNames.joined(separator: ", ")
            throw RungError.badInput("sweep \(record.id) has no family \(family) (it has: \(known.isEmpty ? "none" : known))")
        }
        let shown = snapshot.board.top(top, family: family)
        let total = snapshot.board.entries(family: family).count
        let now = Date()
        if json {
            try Output.json(LeaderboardJSON(
                sweep: .init(id: record.id, name: record.name, status: record.status.rawValue),
                metric: MetricJSON(snapshot.metric), family: family, top: top, total: total,
                trials: shown.map { LeaderboardRowJSON($0, record: snapshot.trialsByID[$0.trial.id], now: now) }))
            return
        }
        if csv {
            var lines = [["rank", "family_rank", "trial", "family", "status", "epochs", snapshot.metric.name,
                          "worker", "duration_seconds", "params"].map(CSVField.quote).joined(separator: ",")]
            for entry in shown {
                let trial = snapshot.trialsByID[entry.trial.id]
                lines.append([
                    "\(entry.rank)", "\(entry.familyRank)", "\(entry.trial.id)", entry.trial.family, entry.trial.status,
                    "\(entry.trial.epochs)", entry.hasValue ? "\(entry.value)" : "",
                    trial?.worker ?? "", trial.flatMap { Humanize.trialSeconds($0, now: now) }.map { "\($0)" } ?? "",
                    trial?.paramsJSON ?? "{}",
                ].map(CSVField.quote).joined(separator: ","))
            }
            Output.line(lines.joined(separator: "\n"))
            return
        }
        let scope = family.map { " · family \($0)" } ?? ""
        let width = wide ? nil : TerminalStyle.width
        Output.line(fitted("sweep \(record.id) \(record.name) (\(record.status.rawValue)) · \(snapshot.metric.name), \(snapshot.metric.mode.rawValue)\(scope) · top \(shown.count) of \(total)", width))
        guard !shown.isEmpty else {
            Output.line("no trials yet")
            return
        }
        let rows = shown.map { entry -> [String] in
            let trial = snapshot.trialsByID[entry.trial.id]
            return ["\(family == nil ? entry.rank : entry.familyRank)", "\(entry.trial.id)", entry.trial.family,
                    entry.trial.status, "\(entry.trial.epochs)", entry.hasValue ? Output.metric(entry.value) : "—",
                    Humanize.params(entry.trial.params, limit: 3), trial?.worker ?? "—",
                    trial.flatMap { Humanize.trialSeconds($0, now: now) }.map(Humanize.duration) ?? "—"]
        }
        Output.line(TerminalTable.render(
            ["RANK", "TRIAL", "FAMILY", "STATUS", "EPOCHS", snapshot.metric.name.uppercased(), "PARAMS", "WORKER", "DURATION"],
            rows, colour: [3: TerminalStyle.colour(forStatus:)], width: width, shrink: 6, drop: [7, 8]))
    }

    private func fitted(_ line: String, _ width: Int?) -> String {
        guard let width, line.count > width else { return line }
        return String(line.prefix(max(0, width - 1))) + "…"
    }

    private func noSweeps(_ location: String) {
        if json {
            try? Output.json(LeaderboardJSON.Empty(store: location, trials: []))
        } else if csv {
            Output.note("rung: no sweeps yet: nothing has run with store \(location)")
        } else {
            Output.line("no sweeps yet: nothing has run with store \(location)")
        }
    }
}

/// `rung leaderboard --json`.
struct LeaderboardJSON: Encodable {
    struct Sweep: Encodable {
        var id: Int64
        var name: String
        var status: String
    }

    /// The document printed when there is no sweep at all.
    struct Empty: Encodable {
        var store: String
        var sweep: Sweep? = nil
        var trials: [LeaderboardRowJSON]

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(store, forKey: .store)
            try c.encode(sweep, forKey: .sweep)
            try c.encode(trials, forKey: .trials)
        }

        enum CodingKeys: String, CodingKey { case store, sweep, trials }
    }

    var sweep: Sweep
    var metric: MetricJSON
    var family: String?
    var top: Int
    var total: Int
    var trials: [LeaderboardRowJSON]

    enum CodingKeys: String, CodingKey { case sweep, metric, family, top, total, trials }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sweep, forKey: .sweep)
        try c.encode(metric, forKey: .metric)
        try c.encode(family, forKey: .family)
        try c.encode(top, forKey: .top)
        try c.encode(total, forKey: .total)
        try c.encode(trials, forKey: .trials)
    }
}

/// One ranked trial in JSON output (`rung leaderboard --json`, `rung sweep show --json`).
struct LeaderboardRowJSON: Encodable {
    var rank: Int
    var familyRank: Int
    var trial: Int64
    var number: Int?
    var family: String
    var status: String
    var epochs: Int
    var epoch: Int?
    var value: Double?
    var metrics: [String: Double]
    var params: [String: ParamValue]
    var worker: String?
    var durationSeconds: Double?

    init(_ entry: LeaderboardEntry, record: TrialRecord?, now: Date) {
        rank = entry.rank
        familyRank = entry.familyRank
        trial = entry.trial.id
        number = record?.number
        family = entry.trial.family
        status = entry.trial.status
        epochs = entry.trial.epochs
        epoch = entry.epoch
        value = entry.hasValue ? entry.value : nil
        metrics = entry.metrics
        params = entry.trial.params
        worker = record?.worker
        durationSeconds = record.flatMap { Humanize.trialSeconds($0, now: now) }
    }

    enum CodingKeys: String, CodingKey {
        case rank, trial, number, family, status, epochs, epoch, value, metrics, params, worker
        case familyRank = "family_rank", durationSeconds = "duration_seconds"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rank, forKey: .rank)
        try c.encode(familyRank, forKey: .familyRank)
        try c.encode(trial, forKey: .trial)
        try c.encode(number, forKey: .number)
        try c.encode(family, forKey: .family)
        try c.encode(status, forKey: .status)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(value, forKey: .value)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(params, forKey: .params)
        try c.encode(worker, forKey: .worker)
        try c.encode(durationSeconds, forKey: .durationSeconds)
    }
}

/// Human forms of times, durations, parameters and metrics for the store views.
enum Humanize {
    /// A local date and time to the minute, e.g. "2026-11-22 03:05".
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// An ISO 8601 UTC timestamp for JSON output.
    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// A duration such as "42s", "3m 05s", "2h 07m" or "3d 04h".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let s = Int(max(0, seconds).rounded(.down))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm %02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh %02dm", s / 3600, (s % 3600) / 60) }
        return String(format: "%dd %02dh", s / 86400, (s % 86400) / 3600)
    }

    /// How long ago `date` was, e.g. "just now", "12s ago", "5m 02s ago".
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        if seconds < 1 { return "just now" }
        return duration(seconds) + " ago"
    }

    /// A trial's training time so far: start to finish, or start to `now` while it runs.
    static func trialSeconds(_ trial: TrialRecord, now: Date) -> Double? {
        guard let started = trial.startedAt else { return nil }
        let end = trial.finishedAt ?? (trial.status.isTerminal ? started : now)
        return end.timeIntervalSince(started)
    }

    /// Parameters as `name=value` pairs sorted by name, numbers to 4 significant digits;
    /// with a `limit`, only that many pairs and "+N" for the rest.
    static func params(_ params: [String: ParamValue], limit: Int?) -> String {
        guard !params.isEmpty else { return "—" }
        let names = params.keys.sorted()
        let shown = limit.map { Array(names.prefix($0)) } ?? names
        var text = shown.map { "\($0)=\(value(params[$0]!))" }.joined(separator: " ")
        if shown.count < names.count { text += " +\(names.count - shown.count)" }
        return text
    }

    /// One parameter value, compact.
    static func value(_ value: ParamValue) -> String {
        switch value {
        case .double(let d): return String(format: "%.4g", d)
        default: return value.description
        }
    }

    /// Metrics as `name=value` pairs sorted by name, four decimals.
    static func metrics(_ metrics: [String: Double]) -> String {
        guard !metrics.isEmpty else { return "—" }
        return metrics.keys.sorted().map { "\($0)=\(Output.metric(metrics[$0]))" }.joined(separator: " ")
    }
}

/// CSV quoting for `--csv` output (RFC 4180).
enum CSVField {
    /// The field as is, or double-quoted with quotes doubled when it holds a comma, quote or newline.
    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
