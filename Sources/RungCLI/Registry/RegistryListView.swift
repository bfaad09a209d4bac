import Foundation
import RungStore
import RungCore

/// `rung registry ls`'s table: one row per registered model version.
public enum RegistryListView {
    /// The table of `versions`, their age counted to `now`; the stage is coloured only when
    /// `styled`.
    public static func table(_ versions: [ModelVersion], now: Date, styled: Bool = TerminalStyle.enabled) -> String {
        let rows = versions.map { v in
            ["\(v.family)@\(v.version)", v.stage.rawValue, v.sweepID.map(String.init) ?? "—",
             v.trialID.map(String.init) ?? "—", RegistryVersionJSON.keyMetrics(v.metrics),
             Humanize.date(v.createdAt) + " (\(Humanize.ago(v.createdAt, now: now)))"]
        }
        return TerminalTable.render(["MODEL", "STAGE", "SWEEP", "TRIAL", "METRICS", "CREATED"], rows,
                                    colour: [1: TerminalStyle.colour(forStatus:)], styled: styled)
    }
}
