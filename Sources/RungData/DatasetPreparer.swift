import Foundation
import RungCore

/// Turns a source CSV and a recipe into a prepared-splits directory: `train.csv`,
/// `validation.csv`, `test.csv`, `future/batch-NNN.csv` (cleaned rows with ids and the
/// target), `preprocessor.json` (fitted on train) and `manifest.json`. Everything is written
/// into a temporary sibling directory that is renamed into place at the end, so a failure
/// leaves nothing half-written.
public struct DatasetPreparer {
    /// Prepares `source` with `recipe` into the directory `out` and returns the manifest.
    /// An existing `out` is replaced only if it is empty or itself a prepared directory.
    public static func prepare(source: URL, recipe: DatasetRecipe, out: URL) throws -> DataManifest {
        var timings: [PhaseTiming] = []
        return try prepare(source: source, recipe: recipe, out: out, timings: &timings)
    }

    /// `prepare(source:recipe:out:)`, also reporting the time of each phase
    /// (`read`, `parse`, `clean`, `fit`, `write`) in order.
    public static func prepare(source: URL, recipe: DatasetRecipe, out: URL,
                               timings: inout [PhaseTiming]) throws -> DataManifest {
        var clock = DispatchTime.now().uptimeNanoseconds
        var cpu = PhaseTiming.threadCPUSeconds()
        func lap(_ phase: String) {
            let now = DispatchTime.now().uptimeNanoseconds
            let nowCPU = PhaseTiming.threadCPUSeconds()
            timings.append(PhaseTiming(phase: phase, wallSeconds: Double(now - clock) / 1e9, cpuSeconds: nowCPU - cpu))
            clock = now
            cpu = nowCPU
        }
        // The staging directory comes first, so a bad output directory fails before any work
        // and a stop signal during a long read finds it to remove (`StagingDirectories`).
        let staging = try AtomicDirectory(final: out)
        defer { staging.discard() }
        let bytes = try FileIO.read(source)
        lap("read")
        let sourceName = source.lastPathComponent
        // Hash the source on a second core while the first parses it.
        let hashBox = HashBox()
        let hashThread = Thread { [bytes] in hashBox.set(ContentHash.sha256(bytes)) }
        hashThread.start()
        let raw = try RawTable.parse(bytes, sourceName: sourceName, dialect: recipe.csv)
        lap("parse")
        try recipe.validateColumns(header: raw.header, csvName: sourceName)
        let checks = RecipeChecks(recipe: recipe, sourceName: sourceName)
        try checks.checkTargetLabels(raw)
        try checks.checkMissingMarkers(raw)
        var warnings: [DataWarning] = []
        if raw.replacedBytes > 0 {
            warnings.append(DataWarning(kind: "replaced_bytes", key: "csv.invalid_bytes",
                                        message: "\(raw.replacedBytes) NUL or invalid UTF-8 bytes in \(sourceName) were replaced by U+FFFD"))
        }
        var table = try TableCleaner(spec: recipe.cleaning, kinds: .infer).clean(raw)
        lap("clean")

        let n = table.rowCount
        let sizes = recipe.split.sizes(rows: n)
        for (name, count) in [("train", sizes.train), ("validation", sizes.validation), ("test", sizes.test)] where count <= 0 {
            throw RungError.badInput("\(sourceName): the \(name) split would be empty (\(n) rows are left after cleaning with \(recipe.fileName)).")
        }
        if recipe.split.futureRanges(start: n - sizes.future, future: sizes.future).contains(where: { $0.isEmpty }) {
            throw RungError.badInput("\(sourceName): \(sizes.future) future rows cannot fill \(recipe.split.futureBatches) batches; lower `split.future_batches` in \(recipe.fileName).")
        }
        let plan = try SplitPlanner(rule: recipe.split, recipe: recipe, sourceName: sourceName).plan(table, labels: table.labels ?? [])
        if !plan.isIdentity { table = table.gather(plan.order) }
        for (name, range) in [("train", plan.train), ("validation", plan.validation), ("test", plan.test)] where range.isEmpty {
            throw RungError.badInput("\(sourceName): the \(name) split would be empty with `split.group` (a group is larger than the split); use smaller groups or larger fractions in \(recipe.fileName).")
        }
        let futureRanges = plan.future
        if futureRanges.contains(where: { $0.isEmpty }) {
            throw RungError.badInput("\(sourceName): a future batch would be empty with `split.group`; lower `split.future_batches` in \(recipe.fileName).")
        }
        let trainTable = table.slice(plan.train)
        warnings += checks.warnings(train: trainTable)
        var cleaning = recipe.cleaning
        cleaning.csv = recipe.csv.isDefault ? nil : recipe.csv
        let preprocessor = try Preprocessor.fit(trainTable, recipe: recipe.name, cleaning: cleaning)
        lap("fit")
        guard let target = recipe.cleaning.target?.name else {
            throw RungError.badInput("\(recipe.fileName): the recipe needs a `target`.")
        }

        var pieces: [(split: String, file: String, rows: Range<Int>)] = [
            ("train", SplitName.train.fileName, plan.train),
            ("validation", SplitName.validation.fileName, plan.validation),
            ("test", SplitName.test.fileName, plan.test),
        ]
        for (k, range) in futureRanges.enumerated() {
            pieces.append(("future", PreparedData.futureFileName(k + 1), range))
        }
        let labels = table.labels ?? []

        var files: [DataManifest.File] = []
        var splits: [DataManifest.Split] = []
        if !futureRanges.isEmpty {
            try FileManager.default.createDirectory(at: staging.url.appendingPathComponent("future"), withIntermediateDirectories: true)
        }
        for piece in pieces {
            let csv = CleanTableWriter.csv(table, rows: piece.rows)
            try FileIO.write(csv, to: staging.url.appendingPathComponent(piece.file))
            files.append(.init(name: piece.file, sha256: ContentHash.sha256(csv), bytes: csv.count))
            let positives = labels.isEmpty ? 0 : labels[piece.rows].reduce(0.0) { $0 + Double($1) }
            if piece.split != "future" { try checks.checkClasses(split: piece.split, rows: piece.rows.count, positives: positives) }
            splits.append(.init(split: piece.split, file: piece.file, rows: piece.rows.count,
                                positiveRate: labels.isEmpty ? 0 : positives / Double(piece.rows.count)))
        }
        let preprocessorBytes = Array(try preprocessor.jsonData())
        try FileIO.write(preprocessorBytes, to: staging.url.appendingPathComponent(PreparedData.preprocessorFileName))
        files.append(.init(name: PreparedData.preprocessorFileName, sha256: ContentHash.sha256(preprocessorBytes), bytes: preprocessorBytes.count))
        files.sort { $0.name < $1.name }
        var hashes: [String: String] = [:]
        for f in files { hashes[f.name] = f.sha256 }
        // A split strategy other than file order is part of the data version (a line
        // `split:<description>`), so changing it changes the version even if the rows did not move.
        if !recipe.split.isFileOrder { hashes["split"] = recipe.split.orderDescription }

        let manifest = DataManifest(
            formatVersion: DataManifest.currentFormatVersion, recipe: recipe.name,
            source: .init(name: sourceName, sha256: hashBox.wait() ?? ContentHash.sha256(bytes), bytes: bytes.count, rows: raw.rowCount),
            cleanedRows: n, target: target, idColumns: preprocessor.idColumns,
            encodedFeatureCount: preprocessor.featureCount, splits: splits, files: files,
            dataVersion: ContentHash.dataVersion(files: hashes), rungVersion: RungVersion.string,
            warnings: warnings.isEmpty ? nil : warnings,
            splitOrder: recipe.split.isFileOrder ? nil : recipe.split.orderDescription)
        try FileIO.write(Array(try manifest.jsonData()), to: staging.url.appendingPathComponent(PreparedData.manifestFileName))
        try staging.commit()
        lap("write")
        return manifest
    }
}

/// The source hash computed on a helper thread; the lock guards the one value.
private final class HashBox: @unchecked Sendable {
    private let lock = NSCondition()
    private var result: String?
    private var done = false

    func set(_ value: String) {
        lock.lock()
        result = value
        done = true
        lock.broadcast()
        lock.unlock()
    }

    func wait() -> String? {
        lock.lock()
        while !done { lock.wait() }
        defer { lock.unlock() }
        return result
    }
}
