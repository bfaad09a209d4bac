import Foundation
import RungCore
import RungStore

/// The facts about one registered model version, written as the version's
/// `metadata.json` (snake_case keys; non-finite metrics as the strings "NaN",
/// "Infinity", "-Infinity"). The registry fills in `family`, `version` and `createdAt`.
public struct ModelMetadata: Codable, Sendable, Equatable {
    /// A JSON value, for the trial's parameters: rung's one JSON value type.
    public typealias Value = JSONValue

    /// The model family.
    public var family: String
    /// The version number (set by the registry).
    public var version: Int
    /// The trial's parameters.
    public var params: [String: Value]
    /// The trial's training seed.
    public var seed: UInt64
    /// Validation and test metrics, e.g. `val_auc`, `test_auc`.
    public var metrics: [String: Double]
    /// The content hash of the data splits the model was trained on.
    public var dataVersion: String
    /// The sweep that produced the model, if any.
    public var sweepID: Int64?
    /// The trial that produced the model, if any.
    public var trialID: Int64?
    /// The rung version that trained it.
    public var rungVersion: String
    /// When the version was registered (set by the registry, whole seconds).
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case family, version, params, seed, metrics
        case dataVersion = "data_version", sweepID = "sweep_id", trialID = "trial_id"
        case rungVersion = "rung_version", createdAt = "created_at"
    }

    /// Creates metadata; `version` and `createdAt` are replaced when the model is registered.
    public init(family: String, version: Int = 0, params: [String: Value], seed: UInt64, metrics: [String: Double],
                dataVersion: String, sweepID: Int64? = nil, trialID: Int64? = nil,
                rungVersion: String = RungVersion.string, createdAt: Date = Date()) {
        self.family = family
        self.version = version
        self.params = params
        self.seed = seed
        self.metrics = metrics
        self.dataVersion = dataVersion
        self.sweepID = sweepID
        self.trialID = trialID
        self.rungVersion = rungVersion
        self.createdAt = createdAt
    }

    /// Parses a trial's `paramsJSON` (a JSON object) into parameter values.
    public static func params(fromJSON json: String) throws -> [String: Value] {
        do {
            return try JSONDecoder().decode([String: Value].self, from: Data(json.utf8))
        } catch {
            throw RungError.badInput("trial parameters are not a JSON object: \(json.prefix(120))")
        }
    }

    /// The `metadata.json` text: pretty-printed with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try encoder.encode(self)
        } catch {
            throw RungError.internalFailure("cannot encode the metadata of model \(family)@\(version): \(error)")
        }
    }

    /// Reads a `metadata.json`; `source` names the file in errors.
    public static func decode(_ data: Data, source: String) throws -> ModelMetadata {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(ModelMetadata.self, from: data)
        } catch {
            throw RungError.badInput("\(source) is not valid model metadata: \(error)")
        }
    }

    /// Equal when every field is equal, counting NaN metrics as equal to NaN.
    public static func == (a: ModelMetadata, b: ModelMetadata) -> Bool {
        a.family == b.family && a.version == b.version && a.params == b.params && a.seed == b.seed
            && MetricsJSON.sameMetrics(a.metrics, b.metrics) && a.dataVersion == b.dataVersion
            && a.sweepID == b.sweepID && a.trialID == b.trialID && a.rungVersion == b.rungVersion
            && a.createdAt == b.createdAt
    }
}
