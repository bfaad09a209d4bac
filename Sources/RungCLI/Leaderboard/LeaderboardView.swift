import Foundation
import RungCore
import RungStore

/// What `rung leaderboard` prints for one sweep: its best trials, overall or within one
/// family, as a table that fits a width, as CSV, or as one JSON document.
public struct LeaderboardView {
    /// The sweep, its trials and their ranking.
    public var snapshot: SweepSnapshot
    /// Only this family's trials, ranked within the family (nil: all, ranked overall).
    public var family: String?
    /// How many trials to show at most.
    public var top: Int
    /// The time running trials' durations are counted to.
    public var now: Date

    /// A view of `snapshot`'s best `top` trials (of `family` when given) at `now`.
    public init(snapshot: SweepSnapshot, family: String?, top: Int, now: Date = Date()) {
        self.snapshot = snapshot
        self.family = family
        self.top = top
        self.now = now
    }

    /// The trials shown, best first.
    public var shown: [LeaderboardEntry] { snapshot.board.top(top, family: family) }

    /// How many trials there are in the scope (all, or the family's).
    public var total: Int { snapshot.board.entries(family: family).count }

    /// The `--json` document.
    public func json() -> LeaderboardJSON {
        let record = snapshot.sweep
        return LeaderboardJSON(
            sweep: .init(id: record.id, name: record.name, status: record.status.rawValue),
            metric: MetricJSON(snapshot.metric), family: family, top: top, total: total,
            trials: shown.map { LeaderboardRowJSON($0, record: snapshot.trialsByID[$0.trial.id], now: now) })
    }

    /// The `--csv` text (RFC 4180, a header row first, no final newline).
    public func csv() -> String {
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
        return lines.joined(separator: "\n")
    }

    /// The table for people: a headline, then the ranked rows. With a `width` every line
    /// fits it (the parameters are cut first, then the worker and duration columns go);
    /// status words are coloured only when `styled`.
    public func text(width: Int?, styled: Bool = TerminalStyle.enabled) -> String {
        let record = snapshot.sweep
        let shown = self.shown
        let scope = family.map { " · family \($0)" } ?? ""
        let headline = Self.fitted("sweep \(record.id) \(record.name) (\(record.status.rawValue)) · \(snapshot.metric.name), \(snapshot.metric.mode.rawValue)\(scope) · top \(shown.count) of \(total)", width)
        guard !shown.isEmpty else { return headline + "\nno trials yet" }
        let rows = shown.map { entry -> [String] in
            let trial = snapshot.trialsByID[entry.trial.id]
            return ["\(family == nil ? entry.rank : entry.familyRank)", "\(entry.trial.id)", entry.trial.family,
                    entry.trial.status, "\(entry.trial.epochs)", entry.hasValue ? Output.metric(entry.value) : "—",
                    Humanize.params(entry.trial.params, limit: 3), trial?.worker ?? "—",
                    trial.flatMap { Humanize.trialSeconds($0, now: now) }.map(Humanize.elapsed) ?? "—"]
        }
        return headline + "\n" + TerminalTable.render(
            ["RANK", "TRIAL", "FAMILY", "STATUS", "EPOCHS", snapshot.metric.name.uppercased(), "PARAMS", "WORKER", "DURATION"],
            rows, colour: [3: TerminalStyle.colour(forStatus:)], width: width, shrink: 6, drop: [7, 8], styled: styled)
    }

    /// `line` cut with "…" to `width` characters (nil: as it is).
    static func fitted(_ line: String, _ width: Int?) -> String {
        guard let width, line.count > width else { return line }
        return String(line.prefix(max(0, width - 1))) + "…"
    }
}
