import ArgumentParser
import Foundation
import RungCore
import RungData
import RungDrift
import RungServe
import RungTraining
import RungArtifacts
import RungCLI

/// `rung data drift`: how far current rows have moved from a prepared reference split.
struct DataDriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare current rows with a prepared reference: KS / chi-square p-values and PSI per column, the drifted share.",
        discussion: """
        --reference is a prepared directory (its train split is the reference; --reference-split picks \
        another). --current is a CSV in the source layout or in a prepared split's layout, a prediction \
        log written by `rung serve` (*.jsonl), or batch-K for the reference directory's future batch K. \
        Numeric columns get the two-sample KS test (scipy's ks_2samp) and the PSI over the reference's \
        deciles; categorical columns the chi-square test (scipy's chi2_contingency) and the PSI over \
        categories. With --model, the model's metrics on the current rows (which then need labels) are \
        compared with its recorded test metrics. See docs/drift.md.
        """
    )

    @Option(help: "The prepared directory holding the reference split.")
    var reference: String

    @Option(help: "The reference split: train, validation or test.")
    var referenceSplit = "train"

    @Option(help: "The current rows: a CSV, a prediction log (*.jsonl), or batch-K (a future batch of --reference).")
    var current: String

    @Option(help: "A column drifts when its test's p-value is below this.")
    var pValue = 0.05

    @Option(help: "The data set drifts when at least this share of columns drift.")
    var driftShare = 0.3

    @Option(help: "Also count a column as drifted when its PSI reaches this (default: PSI does not decide).")
    var psi: Double?

    @Option(help: "A registered model (FAMILY@production, …) or model directory to score the current rows with (concept drift).")
    var model: String?

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard pValue > 0, pValue < 1 else { throw ValidationError("--p-value must be in (0, 1), not \(pValue).") }
        guard driftShare > 0, driftShare <= 1 else { throw ValidationError("--drift-share must be in (0, 1], not \(driftShare).") }
        if let psi, psi <= 0 { throw ValidationError("--psi must be more than 0, not \(psi).") }
        guard ["train", "validation", "test"].contains(referenceSplit) else {
            throw ValidationError("--reference-split must be train, validation or test, not \(referenceSplit).")
        }
    }

    func run() throws {
        let prepared = try PreparedData.open(try LocalPath.url(reference, what: "--reference"))
        let referenceTable = try prepared.loadTable(file: "\(referenceSplit).csv")
        let currentTable = try Self.currentTable(current, prepared: prepared)
        let thresholds = DriftThresholds(pValue: pValue, driftShare: driftShare, psi: psi)
        let report = try DriftReport(reference: referenceTable, current: currentTable,
                                     preprocessor: prepared.preprocessor, thresholds: thresholds)
        var concept: ConceptDrift?
        if let model {
            concept = try ConceptDrift.measure(model: PredictCommand.modelDirectory(model, store: store), current: currentTable)
        }
        if json {
            var document = try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any] ?? [:]
            document["reference"] = prepared.directory.path + "/" + referenceSplit + ".csv"
            document["current"] = current
            if let concept { document["model"] = concept.document }
            let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
            return
        }
        print(DriftTable.render(report))
        if let concept { print(""); print(concept.sentence) }
    }

    /// The current rows: a future batch of the reference, a prediction log, or a CSV.
    static func currentTable(_ value: String, prepared: PreparedData) throws -> CleanTable {
        if value.hasPrefix("batch-"), let k = Int(value.dropFirst("batch-".count)) {
            return try prepared.loadTable(file: PreparedData.futureFileName(k))
        }
        let url = try LocalPath.url(value, what: "--current")
        if url.pathExtension == "jsonl" || url.lastPathComponent.contains(".jsonl.") {
            return try PredictionLogReader.table(url, preprocessor: prepared.preprocessor)
        }
        return try cleanForPrediction(csv: url, preprocessor: prepared.preprocessor)
    }
}
