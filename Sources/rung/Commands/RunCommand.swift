import ArgumentParser
import Foundation
import RungCore
import RungHead
import RungStore
import RungCLI

/// `rung run`: a whole sweep on this machine — an embedded head and N local worker processes.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep to completion on this machine: an embedded head plus N local worker processes.",
        discussion: """
        The head and the workers talk over real ZeroMQ on loopback, exactly as in a cluster. \
        Everything is kept in the store (default sqlite:.rung/rung.db): afterwards, \
        `rung leaderboard` and `rung registry ls` show the results. The best model of every \
        family is registered under <artifacts>/registry/<family>/v<N>/.

        On a terminal one live line shows the trials done, running, the best so far per family \
        and an ETA; otherwise (a pipe, cron, systemd) a timestamped line is printed when the \
        progress changes, at most every 10 s.

        Exit status: 0 the sweep finished; 3 it finished but some trials failed; 6 the \
        config's retrain: gate found no drift, so no sweep ran; 4 it was cancelled; 5 the head gave up on it; 130 interrupted (the sweep is kept and resumes \
        with `rung head`); 64 usage, 65 bad config or data, 69 store or files unreachable, \
        70 internal failure (see docs/cli.md).

        Example:
          rung run Config/health-predict.yaml --workers 2
        """
    )

    @Argument(help: "The sweep config (YAML).")
    var config: String

    @Option(help: "How many local worker processes (one trial at a time each). Default: the number of cores.")
    var workers: Int?

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var observability: ObservabilityOptions

    @OptionGroup var logging: LoggingOptions

    @Option(help: "Prepared splits to use instead of the config's data: a `rung data prepare` output directory or s3://bucket/prefix.")
    var data: String?

    @Flag(help: "Print one JSON document (the sweep's results) instead of progress and tables.")
    var json = false

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers).") }
    }

    func run() throws {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: config, encoding: .utf8)
        } catch {
            throw RungError.badInput("cannot read the sweep config \(config): \(error.localizedDescription)")
        }
        let workerCount = workers ?? ProcessInfo.processInfo.activeProcessorCount
        try FileManager.default.createDirectory(atPath: ".rung", withIntermediateDirectories: true)
        let store = try openStore(url: storeOptions.storeURL)
        let artifactsURI = storeOptions.artifactsURI
        var gateRecord: DriftResultRecord?
        if data == nil, let parsed = try? SweepConfigParser.parse(yaml: yaml, file: config), let retrain = parsed.retrain {
            gateRecord = try RetrainGate.run(config: parsed, configPath: config, settings: retrain, store: store,
                                             recordStore: store, artifactsURI: artifactsURI, json: json)
        }
        // The default endpoint when it is free, so that `rung top` in another terminal finds
        // this run without options; any free loopback port otherwise.
        let head: Head
        do {
            head = try Head(options: HeadOptions(listen: HeadConnectionOptions.defaultEndpoint, artifacts: artifactsURI), store: store)
        } catch let error as RungError {
            // Taken (another run or head listens there): any free loopback port instead.
            guard case .addressInUse? = error.cause else { throw error }
            head = try Head(options: HeadOptions(listen: "tcp://127.0.0.1:*", artifacts: artifactsURI), store: store)
        }
        let progress = SweepProgress(json: json)
        if let sink = logging.lineSink("rung run") {
            head.log = sink
        } else {
            head.log = { line in progress.log(line) }
        }
        head.logEvent = logging.eventSink("rung run")
        logging.exportToChildren()
        let attached = try observability.attach(to: head, storeURL: storeOptions.storeURL, log: logging.lineSink("rung run"))
        if !json { Output.line("preparing the sweep \(config) …") }
        let sweepID = try head.submit(configYAML: yaml, configPath: config, dataOverride: data)
        if let gateRecord { RetrainGate.attach(gateRecord, sweepID: sweepID, store: store, artifactsURI: artifactsURI) }
        head.logFinishedTrials = false
        let logs = URL(fileURLWithPath: ".rung/logs", isDirectory: true)
        let pool = try LocalWorkerPool(count: workerCount, head: head.endpoint, logDirectory: logs, sweepID: sweepID)
        if !json {
            Output.line("sweep \(sweepID): \(workerCount) local worker(s); their logs are in \(logs.path)/")
            let watch = head.endpoint == HeadConnectionOptions.endpoint(nil) ? "rung top" : "rung top --head \(head.endpoint)"
            Output.line("watch it live in another terminal: \(watch)")
        }
        defer { pool.terminate() }
        let stop = StopSignal()
        let started = Date()
        progress.started = started
        try head.run { h in
            progress.update(workers: h.workerCount, sweepID: sweepID, store: store)
            if stop.received > 0 { return true }
            if pool.allExited && h.isRunning(sweepID: sweepID) {
                return true
            }
            return !h.isRunning(sweepID: sweepID)
        }
        progress.finishLine()
        if stop.received > 0 {
            Output.note("rung: interrupted; the sweep is kept in \(store.location) and resumes with `rung head`")
            throw ExitCode(SweepExit.interrupted.rawValue)
        }
        if pool.allExited && head.isRunning(sweepID: sweepID) {
            throw RungError.internalFailure("every local worker exited before the sweep finished (see their messages above)")
        }
        // Let the workers leave cleanly.
        head.drainAll()
        let deadline = Date().addingTimeInterval(10)
        try head.run { _ in pool.allExited || Date() > deadline }
        if let note = attached.finish(head: head, seconds: 30) { Output.note("rung: \(note)") }
        let summary = try SweepSummary(store: store, sweepID: sweepID, elapsed: Date().timeIntervalSince(started))
        try summary.print(json: json)
        if !json {
            Output.line("")
            let leaderboard = try LeaderboardCommand.parse([String(sweepID), "--top", "10", "--db", storeOptions.storeURL])
            try leaderboard.run()
        }
        try SweepExit.forSweep(status: summary.status, failedTrials: summary.families.reduce(0) { $0 + $1.failed })
            .exitIfNotSuccess()
    }
}
