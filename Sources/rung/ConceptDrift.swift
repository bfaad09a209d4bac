import Foundation
import RungCore
import RungData
import RungTraining
import RungArtifacts
import RungCLI

/// Concept drift: a saved model's metrics on current labelled rows against the test
/// metrics recorded when it was trained (`metadata.json`).
struct ConceptDrift {
    /// The metrics on the current rows (auc, logloss, brier, accuracy).
    var current: [String: Double]
    /// The recorded test metrics (`test_auc`, …), those that exist.
    var recorded: [String: Double]
    /// The model directory.
    var model: String
    /// The number of labelled rows scored.
    var rows: Int

    /// Recorded test AUC minus current AUC (positive: the model got worse), when both exist.
    var aucDrop: Double? {
        guard let now = current["auc"], let then = recorded["test_auc"] else { return nil }
        return then - now
    }

    /// Scores `current` (which must have labels) with the model in `directory`.
    static func measure(model directory: URL, current table: CleanTable) throws -> ConceptDrift {
        guard let labels = table.labels?.map(Double.init), !labels.isEmpty else {
            throw RungError.badInput("--model needs labelled current rows: \(table.sourceName) has no target column")
        }
        let preprocessor = try Preprocessor.load(from: directory.appendingPathComponent(ModelDirectory.preprocessorFile))
        let saved = try SavedModel.load(from: directory.appendingPathComponent(ModelDirectory.modelFile))
        let probabilities = try saved.predictProbabilities(preprocessor.transform(table))
        var current: [String: Double] = [:]
        current["auc"] = try ClassificationMetrics.auc(labels: labels, probabilities: probabilities).number
        current["logloss"] = try ClassificationMetrics.logLoss(labels: labels, probabilities: probabilities)
        current["brier"] = try ClassificationMetrics.brier(labels: labels, probabilities: probabilities)
        current["accuracy"] = try ClassificationMetrics.accuracy(labels: labels, probabilities: probabilities)
        var recorded: [String: Double] = [:]
        let metadataFile = directory.appendingPathComponent(Registry.metadataFile)
        // A registry version records `metrics` (test_auc, …); a `rung train --save` directory `test`.
        if let data = try? Data(contentsOf: metadataFile),
           let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let metrics = (document["metrics"] as? [String: Double]) ?? (document["test"] as? [String: Double]) ?? [:]
            for (k, v) in metrics where k.hasPrefix("test_") { recorded[k] = v }
        }
        return ConceptDrift(current: current, recorded: recorded, model: directory.path, rows: labels.count)
    }

    /// The JSON document (`model` in `rung data drift --json`).
    var document: [String: Any] {
        var d: [String: Any] = ["current": current, "recorded": recorded, "model": model, "rows": rows]
        if let aucDrop { d["auc_drop"] = aucDrop }
        return d
    }

    /// One sentence for the terminal.
    var sentence: String {
        let now = current["auc"].map { String(format: "%.4f", $0) } ?? "undefined"
        let then = recorded["test_auc"].map { String(format: "%.4f", $0) } ?? "not recorded"
        let drop = aucDrop.map { String(format: "; AUC drop %.4f", $0) } ?? ""
        return "model \(model): AUC on the current rows \(now) (\(rows) labelled rows), recorded test AUC \(then)\(drop)"
    }
}
