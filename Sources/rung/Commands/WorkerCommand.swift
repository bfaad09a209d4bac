import ArgumentParser
import Foundation
import RungLogging
import RungCore
import RungWire
import RungWorker

/// `rung worker`: join a head and train the trials it assigns.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Join a head over ZeroMQ and train the trials it assigns, one per slot.",
        discussion: """
        The worker says hello to the head (re-sending it every 2 s until the head answers), \
        streams one report per epoch, waits for the head's decision only at ASHA milestones, \
        and uploads each finished model to the head's artifacts location. If the head goes \
        silent, running trials keep training and their reports are sent when it is back. \
        Prepared data is used in place when the data location is a local directory, and \
        fetched once per host into the cache directory otherwise.

        SIGINT/SIGTERM: finish the running trials, take no new ones, then leave; a second \
        signal cancels them and leaves at once. One log line per event goes to stderr.

        With --keys DIR (or $RUNG_KEYS) the connection is CURVE-encrypted and authenticated: \
        DIR holds this worker's NAME.key and the head's head.pub, and NAME.pub must be in the \
        head's authorized/ folder. A refused key is logged with what to do, and retried.

        Example:
          rung worker --head tcp://10.0.0.5:7770 --slots 2 --keys ~/.config/rung/keys
        """
    )

    @OptionGroup var connection: HeadConnectionOptions

    @Option(help: "How many trials to run at once, one thread each. Default: the number of cores.")
    var slots: Int?

    @Option(help: ArgumentHelp("Where fetched data and scratch files go. Default: ~/.cache/rung/worker.", valueName: "DIR"))
    var cache: String?

    @Option(help: "The worker's name, unique in the cluster. Default: HOST-PID.")
    var name: String?

    @Option(help: "XGBoost threads per trial. Default: 1.")
    var threadsPerTrial: Int = 1

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9465).", valueName: "addr"))
    var metrics: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let slots, slots < 1 { throw ValidationError("--slots must be at least 1, not \(slots).") }
        guard threadsPerTrial >= 1 else { throw ValidationError("--threads-per-trial must be at least 1, not \(threadsPerTrial).") }
        if let name, name.isEmpty { throw ValidationError("--name must not be empty.") }
    }

    func run() throws {
        let endpoint = connection.endpoint
        let keyDirectory = connection.keyDirectory
        let curve = try keyDirectory.map { try CurveClientKeys.load(directory: URL(fileURLWithPath: $0, isDirectory: true)) }
        let options = WorkerOptions(headEndpoint: endpoint, name: name, slots: slots,
                                    cacheDirectory: cache.map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL },
                                    threadsPerTrial: threadsPerTrial, keys: curve)
        var withMetrics = options
        let metricsEndpoint = try metrics.map { try WorkerMetricsEndpoint.start(address: $0, options: &withMetrics) }
        defer { metricsEndpoint?.stop() }
        let worker = try Worker(options: withMetrics, log: logging.lineSink("rung worker", metadata: ["worker": withMetrics.name])
            .map { WorkerLog(sink: $0, events: logging.eventSink("rung worker", metadata: ["worker": withMetrics.name])) })
        if let metrics = withMetrics.metrics { WorkerMetricsEndpoint.watch(worker.cache, metrics: metrics) }
        try worker.run(handlingSignals: true)
    }
}
