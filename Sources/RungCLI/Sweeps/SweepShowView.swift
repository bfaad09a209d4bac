import Foundation
import RungCore
import RungStore

/// `rung sweep show`'s text: the sweep's facts, then per family its trials by status, the
/// best trial with its parameters and metrics, and the versions it registered.
public struct SweepShowView {
    /// The sweep.
    public var snapshot: SweepSnapshot
    /// The model versions registered from the sweep.
    public var registered: [ModelVersion]
    /// The time a live sweep's duration is counted to.
    public var now: Date

    /// The view of `snapshot` with the versions it `registered`, at `now`.
    public init(snapshot: SweepSnapshot, registered: [ModelVersion], now: Date = Date()) {
        self.snapshot = snapshot
        self.registered = registered
        self.now = now
    }

    /// The lines to print; statuses and stages are coloured only when `styled`.
    public func lines(styled: Bool = TerminalStyle.enabled) -> [String] {
        var lines: [String] = []
        let s = snapshot.sweep
        lines.append("sweep \(s.id)  \(s.name)  \(TerminalStyle.paint(s.status.rawValue, TerminalStyle.colour(forStatus: s.status.rawValue), enabled: styled))")
        var timing = "  created \(Humanize.date(s.createdAt))"
        if let finished = s.finishedAt { timing += ", finished \(Humanize.date(finished))" }
        timing += ", duration \(Humanize.duration(snapshot.duration(now: now)))"
        lines.append(timing)
        lines.append("  metric \(snapshot.metric.name) (\(snapshot.metric.mode.rawValue)); seed \(s.seed); data version \(s.dataVersion ?? "not yet known")")
        lines.append("  trials \(snapshot.trialsDone)/\(snapshot.trialsTotal) done")
        if let message = s.message, !message.isEmpty { lines.append("  message: \(message)") }
        for family in snapshot.familyNames {
            let trials = snapshot.trials.filter { $0.family == family }
            let budget = snapshot.studies.first { $0.family == family }?.trialBudget
            lines.append("")
            lines.append("\(family): \(trials.count) trial\(trials.count == 1 ? "" : "s")\(budget.map { " of \($0)" } ?? "")"
                        + (trials.isEmpty ? "" : " — " + SweepSnapshot.statusCounts(trials).map { "\($0.value) \($0.key)" }.joined(separator: ", ")))
            if let best = snapshot.board.bestPerFamily[family] {
                let number = snapshot.trialsByID[best.trial.id]?.number
                lines.append("  best: trial \(best.trial.id)\(number.map { " (#\($0))" } ?? ""), \(snapshot.metric.name) \(Output.metric(best.value)) at epoch \(best.epoch ?? 0), \(best.trial.status)")
                lines.append("    params:  \(Humanize.params(best.trial.params, limit: nil))")
                lines.append("    metrics: \(Humanize.metrics(best.metrics))")
            } else {
                lines.append("  best: none yet (no trial has reported \(snapshot.metric.name))")
            }
            let versions = registered.filter { $0.family == family }
            if !versions.isEmpty {
                lines.append("  registered: " + versions.map { v in
                    "\(v.family)@\(v.version) (\(TerminalStyle.paint(v.stage.rawValue, TerminalStyle.colour(forStatus: v.stage.rawValue), enabled: styled)), trial \(v.trialID.map(String.init) ?? "—"))"
                }.joined(separator: ", "))
            }
        }
        return lines
    }
}
