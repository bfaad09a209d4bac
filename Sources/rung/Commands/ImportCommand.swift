import ArgumentParser
import Foundation
import RungCore
import RungBlob
import RungCLI
import RungMLflow

/// `rung import`: bring history from other tools.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import past trials from other tools (MLflow) as prior observations for TPE.",
        subcommands: [ImportMLflowCommand.self]
    )
}

/// `rung import mlflow --from URI --experiment NAME --to-family F --metric M`: the finished
/// runs of an MLflow experiment (Ray Tune, Optuna, …) become observations TPE starts from
/// in sweeps whose family says `warm_start: history` (docs/mlflow.md).
struct ImportMLflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlflow",
        abstract: "Import an MLflow experiment's finished runs as prior observations of a family (for warm_start: history).",
        discussion: """
        Each finished (or killed) run with the metric becomes one observation: its params and \
        the metric's last value. The history is stored in the artifacts location under \
        history/FAMILY/, replacing an earlier import of the same experiment. Parameters outside \
        the family's space are clipped or dropped when a sweep starts, with a logged reason.
        """
    )

    @Option(name: .customLong("from"), help: ArgumentHelp("The MLflow tracking server, e.g. http://127.0.0.1:5000. Default: env RUNG_MLFLOW.", valueName: "uri"))
    var from: String?

    @Option(help: "The MLflow experiment to read.")
    var experiment: String

    @Option(help: "The rung family whose searcher starts from these runs.")
    var toFamily: String

    @Option(help: "The metric logged by the runs (the value TPE ranks them by; the sweep's metric mode applies).")
    var metric: String

    @OptionGroup var store: StoreOptions

    func run() throws {
        guard let uri = from ?? EnvironmentDefault.value("RUNG_MLFLOW") else {
            throw RungError.usage("give the MLflow server with --from URI (or RUNG_MLFLOW)")
        }
        guard uri.hasPrefix("http://") || uri.hasPrefix("https://") else {
            throw RungError.usage("--from must be an http:// or https:// URI of an MLflow tracking server, not \(uri)")
        }
        let result: HistoryImport.Result
        do {
            result = try HistoryImport.fetch(client: MLflowClient(baseURI: uri), experiment: experiment, metric: metric)
        } catch let error as MLflowError {
            throw RungError.unavailable("cannot import from \(uri): \(error)")
        }
        for (run, reason) in result.skipped { Output.note("rung: run \(run) left out: \(reason)") }
        let blobs = try store.openArtifacts()
        let safe = experiment.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        let key = PriorHistory.keyPrefix(family: toFamily) + "mlflow-" + String(safe) + ".json"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rung-history-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result.history).write(to: file)
        try blobs.put(file, key: key)
        Output.line("imported \(result.history.observations.count) run(s) of \(experiment) for family \(toFamily) (\(result.skipped.count) left out) into \(blobs.uri(for: key))")
    }
}
