import ArgumentParser
import Foundation
import RungCore
import RungStore
import RungCLI
import RungMLflow

/// `rung export`: write rung's records into other tools.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export sweeps to other tools (MLflow).",
        subcommands: [ExportMLflowCommand.self]
    )
}

/// `rung export mlflow SWEEP --to URI`: one sweep's parent run, nested trial runs, metric
/// histories and ends, written to an MLflow tracking server (docs/mlflow.md).
struct ExportMLflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlflow",
        abstract: "Export a sweep to an MLflow tracking server: the sweep as a parent run, each trial as a nested run.",
        discussion: """
        Idempotent: runs already on the server (found by their rung.sweep_id / rung.trial_id tags) \
        are completed, not duplicated, so the command can be repeated, and it can run while the \
        head runs. The model versions the sweep registered go to MLflow's registry too (one \
        registered model per family), with the production and staging aliases moved to match \
        rung's stages. Exit status 69 when the server cannot be reached within --retry-seconds.
        """
    )

    @Argument(help: "The sweep id (as printed by `rung sweep ls`).")
    var sweep: Int64

    @Option(help: ArgumentHelp("The MLflow tracking server, e.g. http://127.0.0.1:5000.", valueName: "uri"))
    var to: String

    @Option(help: "The MLflow experiment (default: the sweep's `tracking.experiment`, else its name).")
    var experiment: String?

    @Option(help: "How long to keep retrying while the server is unavailable.")
    var retrySeconds: Double = 60

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard to.hasPrefix("http://") || to.hasPrefix("https://") else {
            throw ValidationError("--to must be an http:// or https:// URI of an MLflow tracking server, not \(to).")
        }
        if let experiment, experiment.isEmpty { throw ValidationError("--experiment must not be empty.") }
    }

    func run() throws {
        let opened = try store.openReadOnly(missing: "sweep \(sweep) does not exist")
        defer { opened.close() }
        guard let record = try opened.sweep(id: sweep) else {
            throw RungError.badInput("sweep \(sweep) does not exist in store \(opened.location)")
        }
        let own = (try? SweepConfigParser.parse(yaml: record.configYAML, file: "sweep \(sweep) config"))?.tracking
        let target = TrackingSettings(mlflow: to, experiment: experiment ?? own?.experiment)
        let exporter = try TrackingExporter(store: opened, defaultTracking: target, overriding: true,
                                            saveMarks: { _ in }, log: { Output.note("rung: \($0)") })
        let registryExporter = RegistryExporter(registry: try store.registry(store: opened), store: opened,
                                                log: { Output.note("rung: \($0)") })
        var versionsCreated = 0
        let deadline = Date().addingTimeInterval(retrySeconds)
        var backoff = 0.5
        var total = TrackingExporter.PassResult()
        while true {
            do {
                let result = try exporter.exportPass(sweepID: sweep)
                total.runsCreated += result.runsCreated
                total.metricsWritten += result.metricsWritten
                total.runsEnded += result.runsEnded
                let models = try exporter.exportModels(with: registryExporter, sweepID: sweep)
                versionsCreated += models.versionsCreated
                break
            } catch let error as MLflowError where error.isTransient && Date() < deadline {
                Output.note("rung: \(error); retrying in \(backoff) s")
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 10)
            } catch let error as MLflowError {
                throw RungError.unavailable("cannot export sweep \(sweep) to \(to): \(error)")
            }
        }
        Output.line("sweep \(sweep) → \(to) experiment \(target.experiment ?? record.name): \(total.runsCreated) run(s) created, \(total.metricsWritten) metric value(s) written, \(total.runsEnded) run end(s) written, \(versionsCreated) model version(s) registered")
    }
}
