import Foundation
import RungCore
import RungStore

/// `rung sweep ls`'s table: one row per sweep with its status, families, progress, best
/// value, creation time and duration.
public enum SweepListView {
    /// The table of `snapshots` (oldest first), durations counted to `now`; the status is
    /// coloured only when `styled`.
    public static func table(_ snapshots: [SweepSnapshot], now: Date, styled: Bool = TerminalStyle.enabled) -> String {
        let rows = snapshots.map { s -> [String] in
            let best = s.board.best.map { "\(s.metric.name) \(Output.metric($0.value))" } ?? "—"
            return ["\(s.sweep.id)", s.sweep.name, s.sweep.status.rawValue, s.familyNames.joined(separator: ","),
                    "\(s.trialsDone)/\(s.trialsTotal)", best, Humanize.date(s.sweep.createdAt),
                    Humanize.duration(s.duration(now: now))]
        }
        return TerminalTable.render(
            ["ID", "NAME", "STATUS", "FAMILIES", "TRIALS", "BEST", "CREATED", "DURATION"], rows,
            colour: [2: TerminalStyle.colour(forStatus:)], styled: styled)
    }
}
