import Foundation
import RungCore

/// A prepared-splits directory (the output of `rung data prepare`), opened for training:
/// its manifest, its fitted preprocessor, and the encoded splits. Files are checked against
/// the SHA-256 recorded in the manifest when they are read.
public struct PreparedData: Sendable {
    /// The manifest's file name.
    public static let manifestFileName = "manifest.json"
    /// The preprocessor's file name.
    public static let preprocessorFileName = "preprocessor.json"

    /// The file name of future batch `index` (1-based), e.g. `future/batch-001.csv`.
    public static func futureFileName(_ index: Int) -> String {
        let digits = String(index)
        return "future/batch-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits + ".csv"
    }

    /// The directory.
    public let directory: URL
    /// Its manifest.
    public let manifest: DataManifest
    /// Its fitted preprocessor.
    public let preprocessor: Preprocessor

    /// The data version (content hash of the split files).
    public var dataVersion: String { manifest.dataVersion }

    /// Opens `directory`, reading and checking its manifest and preprocessor.
    public static func open(_ directory: URL) throws -> PreparedData {
        let manifestURL = directory.appendingPathComponent(manifestFileName)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw RungError.badInput("\(directory.path) is not a prepared-data directory: it has no \(manifestFileName).")
        }
        let manifest = try DataManifest.load(from: manifestURL)
        let bytes = try FileIO.read(directory.appendingPathComponent(preprocessorFileName))
        try check(bytes, name: preprocessorFileName, manifest: manifest, directory: directory)
        let preprocessor: Preprocessor
        do {
            preprocessor = try JSONDecoder().decode(Preprocessor.self, from: Data(bytes))
        } catch let error as RungError {
            throw RungError.badInput("\(directory.appendingPathComponent(preprocessorFileName).path): \(error.message)")
        } catch {
            throw RungError.badInput("\(directory.appendingPathComponent(preprocessorFileName).path) is not a valid preprocessor: \(JSONErrorText.describe(error)).")
        }
        return PreparedData(directory: directory, manifest: manifest, preprocessor: preprocessor)
    }

    private static func check(_ bytes: [UInt8], name: String, manifest: DataManifest, directory: URL) throws {
        guard let expected = manifest.sha256(of: name) else {
            throw RungError.badInput("\(directory.appendingPathComponent(manifestFileName).path) lists no file \(name).")
        }
        let actual = ContentHash.sha256(bytes)
        guard actual == expected else {
            throw RungError.badInput("\(directory.appendingPathComponent(name).path) has SHA-256 \(actual), but the manifest records \(expected): the file changed after it was prepared.")
        }
    }

    /// The bytes of the file `name`, checked against the SHA-256 the manifest records.
    func checkedBytes(of name: String) throws -> [UInt8] {
        let bytes = try FileIO.read(directory.appendingPathComponent(name))
        try Self.check(bytes, name: name, manifest: manifest, directory: directory)
        return bytes
    }

    /// The cleaned rows of the file `name` (e.g. `train.csv` or `future/batch-001.csv`).
    public func loadTable(file name: String) throws -> CleanTable {
        let bytes = try checkedBytes(of: name)
        let raw = try RawTable.parse(bytes, sourceName: name)
        return try preprocessor.preparedCleaner(requireTarget: true, skipBadRows: false).clean(raw)
    }

    /// The cleaned rows of one split.
    public func loadTable(_ split: SplitName) throws -> CleanTable {
        try loadTable(file: split.fileName)
    }

    /// One split, encoded with the preprocessor, with its labels.
    public func load(_ split: SplitName) throws -> EncodedSplit {
        if split == .validation, let cv = manifest.crossValidation {
            throw RungError.usage("\(directory.path) is cross-validated data (\(cv.folds) folds, `split.folds`): it has no validation split; tune it with `rung run` or `rung sweep`, whose trials train one model per fold and refit the finished ones on every non-test row.")
        }
        return try encode(loadTable(split))
    }

    /// Future batch `index` (1-based, numbered as in the base data: in cumulative data the
    /// batches already in train are not there), encoded, with its labels.
    public func loadFutureBatch(_ index: Int) throws -> EncodedSplit {
        let name = Self.futureFileName(index)
        guard manifest.futureBatches.contains(where: { $0.file == name }) else {
            let held = manifest.futureBatches.map(\.file).joined(separator: ", ")
            if let c = manifest.cumulative, index >= 1, index <= c.throughBatch {
                throw RungError.usage("future batch \(index) is part of the training data in \(directory.path) (it holds batches 1–\(c.throughBatch) in train).")
            }
            throw RungError.usage("future batch \(index) does not exist; \(directory.path) has \(held.isEmpty ? "none" : held).")
        }
        return try encode(loadTable(file: name))
    }

    /// Whether the data is cross-validated (`split.folds`): no validation split, folds instead.
    public var isCrossValidated: Bool { manifest.crossValidation != nil }

    /// The cross-validation folds, fold 1 first: each fold's training rows (the other folds)
    /// and validation rows, encoded by a preprocessor fitted on that fold's training rows.
    /// Empty when the data is not cross-validated.
    public func loadFolds() throws -> [FoldSplit] {
        guard let cv = manifest.crossValidation else { return [] }
        let table = try loadTable(.train)
        let fold = try CrossValidationFolds.parse(try checkedBytes(of: cv.file), rows: table.rowCount, folds: cv.folds,
                                                  source: directory.appendingPathComponent(cv.file).path)
        return try (0 ..< cv.folds).map { k in
            let trainRows = fold.indices.filter { fold[$0] != k }
            let validationRows = fold.indices.filter { fold[$0] == k }
            let trainTable = table.gather(trainRows)
            let fitted = try Preprocessor.fit(trainTable, recipe: preprocessor.recipe, cleaning: preprocessor.cleaning)
            return FoldSplit(fold: k + 1, train: try encode(trainTable, with: fitted),
                             validation: try encode(table.gather(validationRows), with: fitted))
        }
    }

    private func encode(_ table: CleanTable, with fitted: Preprocessor) throws -> EncodedSplit {
        let features = try fitted.transform(table)
        guard let labels = table.labels else {
            throw RungError.badInput("\(table.sourceName) has no target column `\(manifest.target)`.")
        }
        return EncodedSplit(features: features, labels: labels)
    }

    private func encode(_ table: CleanTable) throws -> EncodedSplit {
        let features = try preprocessor.transform(table)
        guard let labels = table.labels else {
            throw RungError.badInput("\(table.sourceName) has no target column `\(manifest.target)`.")
        }
        return EncodedSplit(features: features, labels: labels)
    }
}
