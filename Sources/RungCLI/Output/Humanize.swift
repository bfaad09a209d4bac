import Foundation
import RungCore
import RungStore

/// Human forms of times, durations, parameters and metrics for the store views.
public enum Humanize {
    /// A local date and time to the minute, e.g. "2026-11-22 03:05".
    public static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// An ISO 8601 UTC timestamp for JSON output.
    public static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// A duration such as "42s", "3m 05s", "2h 07m" or "3d 04h".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let s = Int(max(0, seconds).rounded(.down))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm %02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh %02dm", s / 3600, (s % 3600) / 60) }
        return String(format: "%dd %02dh", s / 86400, (s % 86400) / 3600)
    }

    /// A trial's training time, precise where whole seconds would hide it: "0.42s", "3.1s",
    /// then as `duration` ("42s", "3m 05s").
    public static func elapsed(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let s = max(0, seconds)
        if s < 1 { return String(format: "%.2fs", s) }
        if s < 10 { return String(format: "%.1fs", (s * 10).rounded(.down) / 10) }
        return duration(s)
    }

    /// How long ago `date` was, e.g. "just now", "12s ago", "5m 02s ago".
    public static func ago(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        if seconds < 1 { return "just now" }
        return duration(seconds) + " ago"
    }

    /// A trial's training time so far: start to finish, or start to `now` while it runs.
    public static func trialSeconds(_ trial: TrialRecord, now: Date) -> Double? {
        guard let started = trial.startedAt else { return nil }
        let end = trial.finishedAt ?? (trial.status.isTerminal ? started : now)
        return end.timeIntervalSince(started)
    }

    /// Parameters as `name=value` pairs sorted by name, numbers to 4 significant digits;
    /// with a `limit`, only that many pairs and "+N" for the rest.
    public static func params(_ params: [String: ParamValue], limit: Int?) -> String {
        guard !params.isEmpty else { return "—" }
        let names = params.keys.sorted()
        let shown = limit.map { Array(names.prefix($0)) } ?? names
        var text = shown.map { "\($0)=\(value(params[$0]!))" }.joined(separator: " ")
        if shown.count < names.count { text += " +\(names.count - shown.count)" }
        return text
    }

    /// One parameter value, compact.
    public static func value(_ value: ParamValue) -> String {
        switch value {
        case .double(let d): return String(format: "%.4g", d)
        default: return value.description
        }
    }

    /// Metrics as `name=value` pairs sorted by name, four decimals.
    public static func metrics(_ metrics: [String: Double]) -> String {
        guard !metrics.isEmpty else { return "—" }
        return metrics.keys.sorted().map { "\($0)=\(Output.metric(metrics[$0]))" }.joined(separator: " ")
    }
}
