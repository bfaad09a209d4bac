import ArgumentParser
import Foundation
import RungCore
import RungArtifacts
import RungServe
import RungCLI

/// `rung serve`: the registered model over HTTP, reloaded when its version changes.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a registered model over HTTP: POST /predict, /healthz, /readyz, /model, /metrics, /openapi.json.",
        discussion: """
        Rows are raw rows in the source CSV's layout (JSON objects, one or an array), cleaned and \
        encoded exactly as `rung predict` does. The registry is polled every --poll-interval \
        seconds: when the version --model names changes (e.g. a new production version), it is \
        loaded and served from the next request on; a version that fails to load is logged and \
        the old one keeps serving. Each scored row is appended to the prediction log \
        (--prediction-log), rotated by size. Stops on SIGINT or SIGTERM. See docs/serving.md.
        """
    )

    @Option(help: "The registered model to serve: FAMILY@production (default stage), FAMILY@staging, FAMILY@latest or FAMILY@N.")
    var model: String

    @Option(help: "The address to listen on, HOST:PORT (port 0: a free port, printed).")
    var listen = "127.0.0.1:8080"

    @Option(help: "Refuse bodies larger than this many bytes (413).")
    var maxBodyBytes = 1 << 20

    @Option(help: "Refuse requests with more rows than this (413).")
    var maxRows = 10_000

    @Option(help: "Rows with a probability above this get label 1.")
    var threshold = 0.5

    @Option(help: "Seconds between looks at the registry for a new version.")
    var pollInterval = 5.0

    @Option(help: "The prediction log (JSON lines). Default: .rung/serve/predictions.jsonl; `none` for no log.")
    var predictionLog = ".rung/serve/predictions.jsonl"

    @Option(help: "Rotate the prediction log when it reaches this many bytes.")
    var logMaxBytes = 64 << 20

    @Option(help: "How many rotated prediction logs to keep.")
    var logKeep = 5

    @OptionGroup var store: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard threshold >= 0, threshold <= 1 else { throw ValidationError("--threshold must be in [0, 1], not \(threshold).") }
        guard pollInterval > 0 else { throw ValidationError("--poll-interval must be more than 0 seconds, not \(pollInterval).") }
        guard maxBodyBytes > 0, maxRows > 0 else { throw ValidationError("--max-body-bytes and --max-rows must be more than 0.") }
        guard logMaxBytes >= 1024, logKeep >= 1 else { throw ValidationError("--log-max-bytes must be at least 1024 and --log-keep at least 1.") }
        _ = try Self.hostPort(listen)
    }

    /// Splits `HOST:PORT`.
    static func hostPort(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen must be HOST:PORT with a port 0…65535, not `\(text)`.")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { throw ValidationError("--listen needs a host before the port, e.g. 127.0.0.1:\(port).") }
        return (host, port)
    }

    func run() throws {
        let reference = try ModelReference(parsing: model)
        guard try store.storeExists() else {
            throw RungError.badInput("cannot serve \(model): store \(store.maskedStoreURL) does not exist (nothing has run with it yet)")
        }
        let (host, port) = try Self.hostPort(listen)
        let cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/rung/registry", isDirectory: true)
        let source = ModelSource(reference: reference, storeURL: store.storeURL, artifactsURI: store.artifactsURI, cacheDirectory: cache)
        let metrics = ServeMetrics()
        let note: @Sendable (String) -> Void = logging.lineSink("rung serve") ?? { Output.note("rung serve: \($0)") }
        let watcher = ModelWatcher(source: source) { outcome, served in
            switch outcome {
            case .unchanged: break
            case .loaded:
                metrics.reload("loaded")
                if let served { note("serving \(served.name) (\(served.version.stage.rawValue))") }
            case .failed(_, let message):
                metrics.reload("failed")
                note(message + (served.map { "; still serving \($0.name)" } ?? ""))
            }
        }
        let previous = LockedServed()
        let reportingWatcher = watcher
        let outcome = reportingWatcher.poll()
        if case .failed(nil, let message) = outcome, reportingWatcher.model == nil {
            // A look-up that fails before anything loads (no such family, a bad store) is the
            // user's mistake, not a transient: say so and stop.
            throw RungError.badInput("cannot serve \(model): \(message)")
        }
        var logURL: URL?
        if predictionLog != "none" { logURL = try LocalPath.url(predictionLog, what: "--prediction-log") }
        let log = try logURL.map { try PredictionLog(url: $0, maxBytes: logMaxBytes, keep: logKeep) }
        let options = ServeOptions(host: host, port: port, maxBodyBytes: maxBodyBytes, maxRows: maxRows, threshold: threshold,
                                   pollInterval: pollInterval, logURL: logURL, logMaxBytes: logMaxBytes, logKeep: logKeep)
        let server = ModelServer(options: options, watcher: watcher, metrics: metrics, log: log, version: RungVersion.string)
        previous.update(watcher.model, metrics: metrics)
        watcher.start(interval: pollInterval) {
            previous.update(watcher.model, metrics: metrics)
        }
        let done = DispatchSemaphore(value: 0)
        let failure = LockedFailure()
        Task {
            do {
                try await server.run { bound in
                    FileHandle.standardOutput.write(Data("rung serve: listening on http://\(host):\(bound) (\(model))\n".utf8))
                }
            } catch {
                failure.set(error)
            }
            done.signal()
        }
        done.wait()
        watcher.stop()
        log?.close()
        if let error = failure.get() {
            throw RungError.unavailable("rung serve stopped: \(error)")
        }
    }
}

/// The served version last shown in the metrics, to move `model_info` on a reload.
private final class LockedServed: @unchecked Sendable {
    private let lock = NSLock()
    private var shown: (family: String, version: Int, stage: String)?

    func update(_ model: ServedModel?, metrics: ServeMetrics) {
        guard let model else { return }
        lock.withLock {
            let now = (model.version.family, model.version.version, model.version.stage.rawValue)
            if let shown, shown == now { return }
            metrics.serving(family: now.0, version: now.1, stage: now.2, previous: shown)
            shown = now
        }
    }
}

/// The error the server task ended with, read after it signals.
private final class LockedFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func set(_ e: any Error) { lock.withLock { error = e } }
    func get() -> (any Error)? { lock.withLock { error } }
}
