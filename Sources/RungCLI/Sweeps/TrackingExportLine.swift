import Foundation
import RungCore
import RungStore

/// The line `rung sweep show` prints about a sweep's MLflow export (docs/mlflow.md): where
/// it goes and how far behind it is, from the store's rows and export marks.
public enum TrackingExportLine {
    /// The line for `sweep` in `store`, or nil when the sweep is not exported (no
    /// `tracking:` section and no export marks) or the store keeps no marks.
    public static func text(sweep: SweepRecord, store: any Store) throws -> String? {
        guard let markStore = store as? any TrackingMarkStore else { return nil }
        let marks = try markStore.trackingMarks(sweepID: sweep.id)
        let tracking = (try? SweepConfigParser.parse(yaml: sweep.configYAML, file: "sweep \(sweep.id) config"))?.tracking
        guard tracking != nil || !marks.isEmpty else { return nil }
        var highest: [Int64: Int] = [:]
        for epoch in try store.epochs(sweepID: sweep.id, family: nil) {
            highest[epoch.trialID] = max(highest[epoch.trialID] ?? 0, epoch.epoch)
        }
        let backlog = TrackingBacklog.of(sweep: sweep, trials: try store.trials(sweepID: sweep.id), highestEpochs: highest, marks: marks)
        let target = tracking.map { " to \($0.mlflow)" } ?? ""
        if backlog.isEmpty { return "  mlflow export\(target): up to date" }
        var parts: [String] = []
        if backlog.trials > 0 { parts.append("\(backlog.trials) trial(s)") }
        if backlog.epochs > 0 { parts.append("\(backlog.epochs) epoch result(s)") }
        if backlog.parentPending { parts.append("the sweep's run") }
        return "  mlflow export\(target): behind by " + parts.joined(separator: ", ")
    }
}
