import ArgumentParser
import Foundation
import RungCore
import RungData
import RungArtifacts
import RungTraining
import RungCLI

/// `rung predict`: score a CSV with a saved model.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score the rows of a CSV with a saved model: id columns, probability and label.",
        discussion: """
        The input may be raw rows in the source CSV's layout (the recipe's cleaning is applied; \
        the target column is not needed) or rows of a prepared split file. --model is a model \
        directory holding model.json and preprocessor.json (as written by `rung train --save`), \
        or a registered model: FAMILY (production, else the newest version), FAMILY@production, \
        FAMILY@staging, FAMILY@latest, FAMILY@3 or FAMILY@v3, looked up in --db and --artifacts. \
        An existing directory always wins over a registry reference of the same name. \
        A row that cannot be read is an error naming its line, unless --skip-bad-rows is given.
        """
    )

    @Option(help: "A model directory (model.json + preprocessor.json) or a registered model FAMILY[@VERSION|@production|@staging|@latest].")
    var model: String

    @Option(help: "The CSV to score.")
    var input: String

    @Option(help: "Write the predictions CSV here (atomically). Default: standard output.")
    var out: String?

    @Option(help: "Rows with a probability above this get label 1.")
    var threshold: Double = 0.5

    @Flag(help: "Skip rows that cannot be read, and report how many were skipped, instead of failing.")
    var skipBadRows = false

    @Option(help: "Add the K largest per-source-column contributions (SHAP values, log-odds) of each row: explain_k_column, explain_k_contribution, explain_bias.")
    var explain = 0

    @Flag(help: "With --out, print a JSON summary instead of a sentence.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard threshold >= 0, threshold <= 1 else { throw ValidationError("--threshold must be in [0, 1], not \(threshold).") }
        if json && out == nil { throw ValidationError("--json needs --out (the predictions themselves go to standard output otherwise).") }
        if explain < 0 { throw ValidationError("--explain must be 0 or more, not \(explain).") }
    }

    func run() throws {
        let directory = try Self.modelDirectory(model, store: store)
        let modelFile = directory.appendingPathComponent(ModelDirectory.modelFile)
        let preprocessorFile = directory.appendingPathComponent(ModelDirectory.preprocessorFile)
        for file in [modelFile, preprocessorFile] where !FileManager.default.fileExists(atPath: file.path) {
            throw RungError.badInput("\(directory.path) is not a model directory: it has no \(file.lastPathComponent)")
        }
        let preprocessor = try Preprocessor.load(from: preprocessorFile)
        let saved = try SavedModel.load(from: modelFile)
        let inputURL = try LocalPath.url(input, what: "--input")
        let table = try cleanForPrediction(csv: inputURL, preprocessor: preprocessor, skipUnreadableRows: skipBadRows)
        let features = try preprocessor.transform(table)
        let probabilities = try saved.predictProbabilities(features)
        let csv: [UInt8]
        if explain > 0 {
            let contributions = try SourceContributions(encoded: saved.predictContributions(features), preprocessor: preprocessor)
            let k = min(explain, contributions.columns.count)
            let tops = (0..<contributions.rowCount).map { r in contributions.top(k, row: r).map { (column: $0.column, contribution: $0.contribution) } }
            csv = PredictionOutput.csv(ids: table.idColumns, probabilities: probabilities, threshold: threshold,
                                       explanations: tops, bias: contributions.bias)
        } else {
            csv = PredictionOutput.csv(ids: table.idColumns, probabilities: probabilities, threshold: threshold)
        }
        let positives = probabilities.filter { $0 > threshold }.count
        let summary = PredictSummary(rows: table.rowCount, skippedRows: table.skippedRowCount,
                                     skippedLines: Array(table.skippedLines.prefix(20)), positives: positives,
                                     threshold: threshold, out: nil)
        guard let out else {
            FileHandle.standardOutput.write(Data(csv))
            if summary.skippedRows > 0 { Output.note("rung: skipped \(summary.skippedRowCountText)") }
            return
        }
        let outURL = try LocalPath.url(out, what: "--out")
        try PredictionOutput.writeAtomically(csv, to: outURL)
        var done = summary
        done.out = outURL.path
        if json {
            try Output.json(done)
        } else {
            Output.line("scored \(done.rows) rows (\(positives) with label 1 at threshold \(threshold)) into \(outURL.path)"
                        + (done.skippedRows > 0 ? "; skipped \(done.skippedRowCountText)" : ""))
        }
    }
}

extension PredictCommand {
    /// The directory `--model` names: an existing directory as is; otherwise a registry
    /// reference (a value without `/`, e.g. `xgboost@production`) resolved through the
    /// registry in the read-only store; otherwise the path (whose absence is reported later).
    static func modelDirectory(_ value: String, store: StoreOptions) throws -> URL {
        let path = try LocalPath.url(value, what: "--model")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return path
        }
        guard !value.contains("/"), !value.hasPrefix("."), !value.hasPrefix("~") else { return path }
        // With an `@` it can only be a reference, so a bad version is an error of its own.
        let parsed = value.contains("@") ? try ModelReference(parsing: value) : try? ModelReference(parsing: value)
        guard parsed != nil else { return path }
        guard let opened = try store.openReadOnlyIfExists() else {
            throw RungError.badInput("--model \(value) is neither a model directory nor a registered model: store \(store.maskedStoreURL) does not exist")
        }
        defer { opened.close() }
        return try store.registry(store: opened).resolve(value)
    }
}

