import Foundation
import RungStore
import RungCore

/// `rung workers`'s table: one row per worker the head has seen.
public enum WorkersView {
    /// The table of `workers`, their silence counted to `now`; the status is coloured only
    /// when `styled`.
    public static func table(_ workers: [WorkerRecord], now: Date, styled: Bool = TerminalStyle.enabled) -> String {
        let rows = workers.map { w in
            [w.name, w.host, "\(w.slots)", w.status.rawValue, Humanize.ago(w.lastSeen, now: now)]
        }
        return TerminalTable.render(["NAME", "HOST", "SLOTS", "STATUS", "LAST SEEN"], rows,
                                    colour: [3: TerminalStyle.colour(forStatus:)], styled: styled)
    }
}
