import Foundation
import RungDrift
import RungCLI

/// The terminal table of a `DriftReport` (`rung data drift` without `--json`).
enum DriftTable {
    /// One row per column: test, statistic, p-value, PSI, drifted; then the share.
    static func render(_ report: DriftReport) -> String {
        let header = ["column", "kind", "test", "statistic", "p-value", "PSI", "drifted"]
        var rows: [[String]] = []
        for c in report.columns + (report.target.map { [$0] } ?? []) {
            rows.append([c.name, c.kind, c.test, String(format: "%.4g", c.statistic), String(format: "%.3g", c.pValue),
                         String(format: "%.4f", c.psi), c.drifted ? "yes" : "no"])
        }
        var text = TerminalTable.render(header, rows)
        let drifted = report.columns.filter(\.drifted).count
        text += "\n\(drifted) of \(report.columns.count) columns drifted (share \(String(format: "%.2f", report.driftShare))), "
        text += report.datasetDrift ? "data set drift: yes" : "data set drift: no"
        text += " (thresholds: p < \(report.thresholds.pValue), share ≥ \(report.thresholds.driftShare)"
        text += report.thresholds.psi.map { ", PSI ≥ \($0)" } ?? ""
        text += "); reference \(report.referenceRows) rows, current \(report.currentRows) rows"
        return text
    }
}
