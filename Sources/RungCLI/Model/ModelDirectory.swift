import Foundation
import RungCore
import RungData
import RungTraining

/// A saved model directory: `model.json` (XGBoost JSON), `preprocessor.json` and
/// `metadata.json`, written through a temporary sibling and renamed into place.
public enum ModelDirectory {
    /// The XGBoost model, in its JSON format.
    public static let modelFile = "model.json"
    /// The fitted preprocessor.
    public static let preprocessorFile = "preprocessor.json"
    /// What the model is: family, parameters, data version, metrics (`ModelMetadataFile`).
    public static let metadataFile = "metadata.json"

    /// Saves `trainer`'s model, `prepared`'s preprocessor and the metadata of `report` into `directory`, replacing what was there.
    public static func write(to directory: URL, trainer: Trainer, prepared: PreparedData, report: TrainReport) throws {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(directory.lastPathComponent).tmp-\(getpid())")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: temporary)
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            try trainer.saveModel(to: temporary.appendingPathComponent(modelFile))
            try prepared.preprocessor.save(to: temporary.appendingPathComponent(preprocessorFile))
            let metadata = ModelMetadataFile(report: report, rungVersion: RungVersion.string,
                                             xgboostVersion: xgboostVersion(),
                                             createdAt: ISO8601DateFormatter().string(from: Date()))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(metadata).write(to: temporary.appendingPathComponent(metadataFile))
            if fm.fileExists(atPath: directory.path) { try fm.removeItem(at: directory) }
            try fm.moveItem(at: temporary, to: directory)
        } catch let error as RungError {
            try? fm.removeItem(at: temporary)
            throw error
        } catch {
            try? fm.removeItem(at: temporary)
            throw RungError.unavailable("cannot save the model to \(directory.path): \(error.localizedDescription)")
        }
    }
}

