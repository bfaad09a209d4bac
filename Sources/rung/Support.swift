import Foundation
import RungCore
import RungData
import RungBlob
import RungTraining
import RungWorker

/// Parses `--params` JSON into trainer parameters.
enum ParameterJSON {
    static func parse(_ text: String, what: String) throws -> [String: ParamValue] {
        do {
            return try JSONDecoder().decode([String: ParamValue].self, from: Data(text.utf8))
        } catch {
            throw RungError.usage("\(what) must be a JSON object of numbers and strings, e.g. '{\"max_depth\": 6}'; got \(text)")
        }
    }
}

/// Local paths given on the command line: a plain path or a `file://` URI.
enum LocalPath {
    /// A prepared-splits directory on this machine: a local path as it is, an `s3://`
    /// location fetched (checked against its manifest) into `~/.cache/rung/data/<version>/`.
    static func preparedDirectory(_ text: String, what: String) throws -> URL {
        guard Location.isS3(text) else { return try url(text, what: what) }
        let store = try openBlobStore(uri: text)
        let cacheRoot = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/rung/data", isDirectory: true)
        let manifestCopy = cacheRoot.appendingPathComponent("manifest-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: manifestCopy) }
        guard try store.exists(PreparedData.manifestFileName) else {
            throw RungError.badInput("\(what) \(text) holds no prepared splits: \(store.uri(for: PreparedData.manifestFileName)) does not exist")
        }
        try store.get(PreparedData.manifestFileName, to: manifestCopy)
        let version = try DataManifest.load(from: manifestCopy).dataVersion
        return try DataCache(root: cacheRoot).localDirectory(uri: text, dataVersion: version)
    }

    /// A local path or `file://` URI as a file URL; an S3 location is a usage error.
    static func url(_ text: String, what: String) throws -> URL {
        switch try? Location(parsing: text) {
        case .s3?:
            throw RungError.usage("\(what) \(text): S3 locations are not supported by this command yet; use a local path")
        case .local(let path)?:
            return URL(fileURLWithPath: path).standardizedFileURL
        case nil where Location.scheme(ofText: text) == "file":
            throw RungError.usage("\(what) \(text) is not a valid file:// URI")
        case .other?, nil:
            return URL(fileURLWithPath: text).standardizedFileURL
        }
    }
}

/// A saved model directory: `model.json` (XGBoost JSON), `preprocessor.json` and
/// `metadata.json`, written through a temporary sibling and renamed into place.
enum ModelDirectory {
    static let modelFile = "model.json"
    static let preprocessorFile = "preprocessor.json"
    static let metadataFile = "metadata.json"

    static func write(to directory: URL, trainer: Trainer, prepared: PreparedData, report: TrainReport) throws {
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

/// `metadata.json` of a model saved by `rung train --save`.
struct ModelMetadataFile: Codable {
    var family: String
    var parameters: [String: ParamValue]
    var seed: UInt64
    var epochs: Int
    var dataVersion: String
    var validation: [String: Double]
    var test: [String: Double]
    var rungVersion: String
    var xgboostVersion: String
    var createdAt: String

    init(report: TrainReport, rungVersion: String, xgboostVersion: String, createdAt: String) {
        family = report.family
        parameters = report.parameters
        seed = report.seed
        epochs = report.epochs.count
        dataVersion = report.dataVersion
        validation = report.epochs.last?.metrics ?? [:]
        test = report.test ?? [:]
        self.rungVersion = rungVersion
        self.xgboostVersion = xgboostVersion
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case family, parameters, seed, epochs, validation, test
        case dataVersion = "data_version"
        case rungVersion = "rung_version"
        case xgboostVersion = "xgboost_version"
        case createdAt = "created_at"
    }
}
