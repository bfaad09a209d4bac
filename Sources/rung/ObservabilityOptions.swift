import ArgumentParser
import Foundation
import Prometheus
import RungCore
import RungStore
import RungHead
import RungMLflow
import RungMetrics
import RungCLI

/// `--mlflow` and `--metrics` of `rung head` and `rung run` (docs/mlflow.md,
/// docs/metrics.md): the MLflow tracking export off the head's loop and the Prometheus
/// endpoint, attached to a head as pass observers.
struct ObservabilityOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Export every sweep to this MLflow tracking server (a sweep's own `tracking:` wins). Default: env RUNG_MLFLOW.", valueName: "uri"))
    var mlflow: String?

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9464, :9464).", valueName: "addr"))
    var metrics: String?

    func validate() throws {
        if let uri = mlflow ?? EnvironmentDefault.value("RUNG_MLFLOW"), !(uri.hasPrefix("http://") || uri.hasPrefix("https://")) {
            throw ValidationError("--mlflow must be an http:// or https:// URI of an MLflow tracking server, not \(uri).")
        }
    }

    /// Starts the export (for every sweep with a `tracking:` section, and every sweep when
    /// `--mlflow` is given) and the metrics endpoint, and attaches them to `head`.
    /// The export's and the endpoint's lines go to `log` when given (swift-log with `--log-format`).
    func attach(to head: Head, storeURL: String, log given: (@Sendable (String) -> Void)? = nil) throws -> AttachedObservability {
        let log: @Sendable (String) -> Void = given ?? { FileHandle.standardError.write(Data("rung head: \($0)\n".utf8)) }
        var attached = AttachedObservability()
        let inMemory = (try? StoreURL(parsing: storeURL)).map { if case .sqlite(":memory:") = $0 { true } else { false } } ?? false
        if !inMemory {
            let uri = mlflow ?? EnvironmentDefault.value("RUNG_MLFLOW")
            let export = TrackingExportThread(storeURL: storeURL, artifactsURI: head.options.artifacts, defaultTracking: uri.map { TrackingSettings(mlflow: $0) }, log: log)
            export.start()
            head.passObservers.append(TrackingExportObserver(export: export))
            attached.export = export
        }
        if let metrics {
            let registry = PrometheusCollectorRegistry()
            let observer = HeadMetricsObserver(registry: registry, export: attached.export)
            head.passObservers.append(observer)
            attached.endpoint = try MetricsEndpoint(address: metrics, registry: registry)
            log("metrics at http://\(attached.endpoint!.address)/metrics")
        }
        return attached
    }
}

/// What `ObservabilityOptions.attach` started, to be finished when the head stops.
struct AttachedObservability {
    /// The MLflow export thread, if one runs.
    var export: TrackingExportThread?
    /// The metrics endpoint, if one listens.
    var endpoint: MetricsEndpoint?

    /// Gives the export up to `seconds` to catch up, stops it and writes its last marks
    /// through `head`; stops the metrics endpoint. Returns a note when the export stayed behind.
    func finish(head: Head, seconds: Double) -> String? {
        endpoint?.stop()
        guard let export else { return nil }
        let caughtUp = export.waitUntilCaughtUp(deadline: Date().addingTimeInterval(seconds))
        export.stop()
        try? head.flushObservers()
        guard !caughtUp, let backlog = export.backlog, !backlog.isEmpty else { return nil }
        return "the MLflow export is \(backlog.trials) trial(s) and \(backlog.epochs) epoch result(s) behind; `rung head` or `rung export mlflow` catches up"
    }
}
