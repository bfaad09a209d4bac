import Foundation
import RungCore

/// Cumulative training data for nightly retraining: prepared data whose train split is the
/// base data's train split followed by its future batches 1…k, in order. Validation and test
/// are the base data's files, byte for byte, so the metrics of models trained on different
/// nights are comparable (and the registry's promotion rule compares like with like). The
/// preprocessor is fitted again on the longer train split; the batches still to come stay in
/// `future/` under their original names. The result depends only on the base data's bytes and
/// k, so its data version is reproducible and differs for every k.
public enum CumulativeData {
    /// Writes into `out` the cumulative data of the prepared directory `base` through future
    /// batch `throughBatch` (1 … the base's batch count) and returns its manifest.
    public static func derive(base baseURL: URL, throughBatch k: Int, out: URL) throws -> DataManifest {
        let base = try PreparedData.open(baseURL)
        let manifest = base.manifest
        if let c = manifest.cumulative {
            throw RungError.usage("\(baseURL.path) is already cumulative data (future batches 1–\(c.throughBatch) in train); derive from its base data \(c.baseDataVersion) instead.")
        }
        let batches = manifest.futureBatches
        guard k >= 1, k <= batches.count else {
            throw RungError.usage(batches.isEmpty
                ? "through batch \(k): \(baseURL.path) has no future batches."
                : "through batch \(k): \(baseURL.path) has future batches 1–\(batches.count).")
        }
        guard let trainEntry = manifest.split(.train), let validationEntry = manifest.split(.validation),
              let testEntry = manifest.split(.test) else {
            throw RungError.badInput("\(baseURL.path)/\(PreparedData.manifestFileName) lacks a train, validation or test split.")
        }

        // train.csv: the base train rows, then each included batch without its header.
        let train = try base.checkedBytes(of: trainEntry.file)
        let headerEnd = headerLength(train)
        var combined = train
        var rows = trainEntry.rows
        for batch in batches.prefix(k) {
            let bytes = try base.checkedBytes(of: batch.file)
            guard bytes.count >= headerEnd, bytes[..<headerEnd].elementsEqual(train[..<headerEnd]) else {
                throw RungError.badInput("\(baseURL.appendingPathComponent(batch.file).path) does not have the columns of \(trainEntry.file).")
            }
            if let last = combined.last, last != UInt8(ascii: "\n") { combined.append(UInt8(ascii: "\n")) }
            combined.append(contentsOf: bytes[headerEnd...])
            rows += batch.rows
        }

        let table = try base.preprocessor.preparedCleaner(requireTarget: true, skipBadRows: false)
            .clean(try RawTable.parse(combined, sourceName: trainEntry.file))
        guard table.rowCount == rows else {
            throw RungError.internalFailure("the cumulative train split of \(baseURL.path) has \(table.rowCount) rows, expected \(rows).")
        }
        let labels = table.labels ?? []
        let preprocessor = try Preprocessor.fit(table, recipe: base.preprocessor.recipe, cleaning: base.preprocessor.cleaning)

        let staging = try AtomicDirectory(final: out)
        defer { staging.discard() }
        var files: [DataManifest.File] = []
        func write(_ bytes: [UInt8], _ name: String) throws {
            let url = staging.url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileIO.write(bytes, to: url)
            files.append(.init(name: name, sha256: ContentHash.sha256(bytes), bytes: bytes.count))
        }
        try write(combined, trainEntry.file)
        for entry in [validationEntry, testEntry] + batches.dropFirst(k) {
            try write(try base.checkedBytes(of: entry.file), entry.file)
        }
        try write(Array(try preprocessor.jsonData()), PreparedData.preprocessorFileName)
        files.sort { $0.name < $1.name }
        var hashes: [String: String] = [:]
        for f in files { hashes[f.name] = f.sha256 }

        let trainPositiveRate = labels.isEmpty ? 0 : labels.reduce(0.0) { $0 + Double($1) } / Double(labels.count)
        var splits = [DataManifest.Split(split: "train", file: trainEntry.file, rows: rows, positiveRate: trainPositiveRate),
                      validationEntry, testEntry]
        splits += batches.dropFirst(k)
        let result = DataManifest(
            formatVersion: DataManifest.currentFormatVersion, recipe: manifest.recipe, source: manifest.source,
            cleanedRows: manifest.cleanedRows, target: manifest.target, idColumns: preprocessor.idColumns,
            encodedFeatureCount: preprocessor.featureCount, splits: splits, files: files,
            dataVersion: ContentHash.dataVersion(files: hashes), rungVersion: RungVersion.string,
            cumulative: .init(baseDataVersion: manifest.dataVersion, throughBatch: k,
                              baseFutureBatches: batches.count, baseTrainRows: trainEntry.rows))
        try FileIO.write(Array(try result.jsonData()), to: staging.url.appendingPathComponent(PreparedData.manifestFileName))
        try staging.commit()
        return result
    }

    /// Prepares `source` with `recipe` and writes into `out` its cumulative data through future
    /// batch `throughBatch` (0: the plain prepared data). Gives the same bytes as
    /// `DatasetPreparer.prepare` followed by `derive`.
    public static func prepare(source: URL, recipe: DatasetRecipe, throughBatch k: Int, out: URL) throws -> DataManifest {
        guard k > 0 else { return try DatasetPreparer.prepare(source: source, recipe: recipe, out: out) }
        let parent = out.standardizedFileURL.deletingLastPathComponent()
        let scratch = parent.appendingPathComponent(".\(out.lastPathComponent).base-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        let token = StagingDirectories.add(scratch.path)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            StagingDirectories.remove(token)
        }
        _ = try DatasetPreparer.prepare(source: source, recipe: recipe, out: scratch)
        return try derive(base: scratch, throughBatch: k, out: out)
    }

    /// The length of a CSV's header record, through its line break (quotes may hold breaks).
    static func headerLength(_ bytes: [UInt8]) -> Int {
        var quoted = false
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            else if !quoted && b == UInt8(ascii: "\n") { return i + 1 }
        }
        return bytes.count
    }
}
