import Foundation
import RungCore

/// `manifest.json` of a prepared-splits directory: where the data came from, what was
/// written (row counts, positive rates, SHA-256 of every file) and the resulting data
/// version. Schema in docs/config.md.
public struct DataManifest: Codable, Sendable, Equatable {
    /// The version of the JSON layout this code writes and reads.
    public static let currentFormatVersion = 1

    /// The source CSV.
    public struct Source: Codable, Sendable, Equatable {
        /// The source file's name (its last path component).
        public var name: String
        /// The SHA-256 of the source file.
        public var sha256: String
        /// The source file's size in bytes.
        public var bytes: Int
        /// Data rows read from it (the header excluded).
        public var rows: Int
    }

    /// One written file of rows.
    public struct Split: Codable, Sendable, Equatable {
        /// `train`, `validation`, `test` or `future`.
        public var split: String
        /// The file's path inside the directory (e.g. `future/batch-001.csv`).
        public var file: String
        /// Its number of rows.
        public var rows: Int
        /// The fraction of its rows whose target is 1.
        public var positiveRate: Double

        enum CodingKeys: String, CodingKey { case split, file, rows, positiveRate = "positive_rate" }
    }

    /// One written file and its hash.
    public struct File: Codable, Sendable, Equatable {
        /// The path inside the directory.
        public var name: String
        /// The SHA-256 of its bytes.
        public var sha256: String
        /// Its size in bytes.
        public var bytes: Int
    }

    /// Where cumulative data came from: the base data and how many future batches were
    /// appended to its train split (`rung data prepare --through-batch`, `data.through_batch`).
    public struct Cumulative: Codable, Sendable, Equatable {
        /// The data version of the prepared data the batches were taken from.
        public var baseDataVersion: String
        /// Future batches 1…`throughBatch` of the base data are appended to train.
        public var throughBatch: Int
        /// How many future batches the base data has.
        public var baseFutureBatches: Int
        /// The rows of the base data's train split (the first rows of this train split).
        public var baseTrainRows: Int

        /// Creates the record.
        public init(baseDataVersion: String, throughBatch: Int, baseFutureBatches: Int, baseTrainRows: Int) {
            self.baseDataVersion = baseDataVersion
            self.throughBatch = throughBatch
            self.baseFutureBatches = baseFutureBatches
            self.baseTrainRows = baseTrainRows
        }

        enum CodingKeys: String, CodingKey {
            case baseDataVersion = "base_data_version", throughBatch = "through_batch"
            case baseFutureBatches = "base_future_batches", baseTrainRows = "base_train_rows"
        }
    }

    /// The JSON layout version.
    public var formatVersion: Int
    /// The recipe's name.
    public var recipe: String
    /// The source CSV.
    public var source: Source
    /// Rows left after cleaning (all splits together).
    public var cleanedRows: Int
    /// The 0/1 target column.
    public var target: String
    /// Columns kept to identify rows.
    public var idColumns: [String]
    /// The number of encoded feature columns.
    public var encodedFeatureCount: Int
    /// The row files: train, validation, test, then the future batches in order.
    public var splits: [Split]
    /// Every file written besides the manifest, sorted by name.
    public var files: [File]
    /// The first 16 hex digits of the SHA-256 over the sorted `name:sha256` lines of `files`.
    public var dataVersion: String
    /// The rung version that wrote it.
    public var rungVersion: String
    /// Set for cumulative data (future batches appended to train); absent otherwise.
    public var cumulative: Cumulative?
    /// What preparation noticed without stopping (`DataWarning`); absent when nothing.
    public var warnings: [DataWarning]?
    /// How rows were ordered before the cuts (`order=stratified seed=0 group=…`), when not
    /// plain file order; it is part of `dataVersion`.
    public var splitOrder: String?

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", recipe, source, cleanedRows = "cleaned_rows", target
        case idColumns = "id_columns", encodedFeatureCount = "encoded_feature_count", splits, files
        case dataVersion = "data_version", rungVersion = "rung_version", cumulative, warnings, splitOrder = "split_order"
    }

    /// The entry of one of the three initial splits.
    public func split(_ name: SplitName) -> Split? { splits.first { $0.split == name.rawValue } }

    /// The future batches, in order.
    public var futureBatches: [Split] { splits.filter { $0.split == "future" } }

    /// The recorded hash of the file at `name`.
    public func sha256(of name: String) -> String? { files.first { $0.name == name }?.sha256 }

    /// The JSON document, pretty-printed with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a manifest file.
    public static func load(from url: URL) throws -> DataManifest {
        let bytes = try FileIO.read(url)
        let manifest: DataManifest
        do {
            manifest = try JSONDecoder().decode(DataManifest.self, from: Data(bytes))
        } catch {
            throw RungError.badInput("\(url.path) is not a valid data manifest: \(JSONErrorText.describe(error)).")
        }
        guard manifest.formatVersion == currentFormatVersion else {
            throw RungError.badInput("\(url.path) has format_version \(manifest.formatVersion); this rung reads \(currentFormatVersion).")
        }
        return manifest
    }
}
