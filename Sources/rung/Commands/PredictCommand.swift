import ArgumentParser
import Foundation
import RungCore
import RungData
import RungTraining

/// `rung predict`: score a CSV with a saved model.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score the rows of a CSV with a saved model: id columns, probability and label.",
        discussion: """
        The input may be raw rows in the source CSV's layout (the recipe's cleaning is applied;
        the target column is not needed) or rows of a prepared split file. The model directory
        holds model.json and preprocessor.json (as written by `rung train --save`).
        A row that cannot be read is an error naming its line, unless --skip-bad-rows is given.
        """
    )

    @Option(help: "The model directory (model.json + preprocessor.json).")
    var model: String

    @Option(help: "The CSV to score.")
    var input: String

    @Option(help: "Write the predictions CSV here (atomically). Default: standard output.")
    var out: String?

    @Option(help: "Rows with a probability above this get label 1.")
    var threshold: Double = 0.5

    @Flag(help: "Skip rows that cannot be read, and report how many were skipped, instead of failing.")
    var skipBadRows = false

    @Flag(help: "With --out, print a JSON summary instead of a sentence.")
    var json = false

    func validate() throws {
        guard threshold >= 0, threshold <= 1 else { throw ValidationError("--threshold must be in [0, 1], not \(threshold).") }
        if json && out == nil { throw ValidationError("--json needs --out (the predictions themselves go to standard output otherwise).") }
    }

    func run() throws {
        let directory = try LocalPath.url(model, what: "--model")
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
        let csv = PredictionOutput.csv(ids: table.idColumns, probabilities: probabilities, threshold: threshold)
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

/// What `rung predict` did.
struct PredictSummary: Codable {
    var rows: Int
    var skippedRows: Int
    var skippedLines: [Int]
    var positives: Int
    var threshold: Double
    var out: String?

    var skippedRowCountText: String {
        let lines = skippedLines.map(String.init).joined(separator: ", ")
        return "\(skippedRows) unreadable row\(skippedRows == 1 ? "" : "s") (line\(skippedLines.count == 1 ? "" : "s") \(lines)\(skippedRows > skippedLines.count ? ", …" : ""))"
    }

    enum CodingKeys: String, CodingKey {
        case rows, positives, threshold, out
        case skippedRows = "skipped_rows"
        case skippedLines = "skipped_lines"
    }
}
