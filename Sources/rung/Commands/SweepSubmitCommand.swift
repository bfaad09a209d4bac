import ArgumentParser
import Foundation
import RungCore
import RungWire
import RungCLI
import RungStore

/// `rung sweep submit`: hand a sweep to a running head.
struct SweepSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a sweep config to a running head and print the sweep id.",
        discussion: """
        The config's relative paths (the dataset recipe) are resolved on the head's machine, \
        relative to the config's absolute path there.

        With --wait, waits for the sweep to end, showing its progress on stderr (one live line \
        on a terminal, polled every second; a timestamped line when it changes otherwise) and \
        then its outcome on stdout. Exit status with --wait: 0 finished; 3 finished but some \
        trials failed; 4 cancelled; 5 the head gave up on the sweep; 69 the head cannot be \
        reached (or stopped answering for a minute); 130 stopped waiting on SIGINT/SIGTERM \
        (the sweep goes on). Without --wait: 0 submitted. Always: 64 usage, 65 bad config. \
        See docs/cli.md.

        A config with `retrain:` (docs/nightly.md) is gated here first, exactly as in `rung run`: \
        the newest future batch is compared with the initial train split and the production \
        models (read from --db and --artifacts, the head's store and artifacts), the decision is \
        printed and recorded (store and artifacts), and when the rule says no, nothing is \
        submitted and the exit status is 6.
        """
    )

    @Argument(help: "The sweep config (YAML).")
    var config: String

    @OptionGroup var connection: HeadConnectionOptions

    /// The endpoint in effect (`--head`, else `RUNG_HEAD`, else the default).
    var head: String? { connection.endpoint }

    /// The key directory in effect (`--keys`, else `RUNG_KEYS`), nil for none.
    var keys: String? { connection.keyDirectory }

    @Option(help: "Prepared splits (a directory on the head's machine) instead of the config's data.")
    var data: String?

    @Flag(help: "Wait until the sweep has ended, showing its progress; the exit status tells how it ended.")
    var wait = false

    @Option(help: "Seconds to wait for the head to answer the submission before giving up (exit 69).")
    var timeout: Double = 10

    @Flag(help: "Print one JSON document.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let url = URL(fileURLWithPath: config).standardizedFileURL
        let yaml: String
        do { yaml = try String(contentsOf: url, encoding: .utf8) } catch {
            throw RungError.badInput("cannot read the sweep config \(config): \(error.localizedDescription)")
        }
        let client = try HeadClient(endpoint: HeadClient.endpoint(head), timeoutMillis: try Self.millis(timeout), keys: keys)
        client.onSlowReply = { Output.note($0) }
        var gate: (record: DriftResultRecord, store: (any Store)?)?
        if data == nil, let parsed = try? SweepConfigParser.parse(yaml: yaml, file: config), let retrain = parsed.retrain {
            gate = try runGate(parsed, retrain)
        }
        defer { gate?.store?.close() }
        let id = try client.send(SubmitSweepRequest(config: yaml, path: url.path, data: data)).sweep
        if let gate {
            RetrainGate.attach(gate.record, sweepID: id, store: gate.store, artifactsURI: storeOptions.artifactsURI)
        }
        guard wait else {
            if json { try Output.json(["sweep": id]) } else { Output.line("\(id)") }
            return
        }
        if !json { Output.note("sweep \(id) submitted to \(client.endpoint); waiting for it to end (Ctrl-C stops waiting, not the sweep)") }
        let outcome = try SweepWaiter(endpoint: client.endpoint, keys: keys, sweepID: id, json: json).wait()
        try outcome.exitIfNotSuccess()
    }

    /// The `retrain:` gate on the submitting machine. The decision reads the store read-only
    /// (a store that does not exist yet has no production model: the sweep runs); the result
    /// is written through a writable store when one can be opened beside the head (PostgreSQL;
    /// a SQLite store a running head holds cannot), else kept in the artifacts for the next
    /// gate to record. Returns the record and the writable store, if any.
    private func runGate(_ parsed: SweepConfig, _ retrain: RetrainSettings) throws -> (record: DriftResultRecord, store: (any Store)?) {
        var writable: (any Store)?
        if try !storeOptions.storeExists() {
            // Not created here: the head's store lives elsewhere (see --db).
            Output.note("rung: the store \(storeOptions.maskedStoreURL) does not exist here; the retrain gate's result is kept in the artifacts")
        } else {
            do {
                writable = try openStore(url: storeOptions.storeURL)
            } catch {
                Output.note("rung: the store \(storeOptions.maskedStoreURL) cannot be written from here (\((error as? RungError)?.message ?? "\(error)")); the retrain gate's result is kept in the artifacts")
            }
        }
        let reader: any Store
        if let writable {
            reader = writable
        } else if let existing = try storeOptions.openReadOnlyIfExists() {
            reader = existing
        } else {
            reader = try openStore(url: "sqlite::memory:")
        }
        defer { if writable == nil { reader.close() } }
        let record = try RetrainGate.run(config: parsed, configPath: config, settings: retrain, store: reader,
                                         recordStore: writable, artifactsURI: storeOptions.artifactsURI, json: json)
        return (record, writable)
    }

    /// `--timeout` in milliseconds, refused when it is not a positive number of seconds.
    static func millis(_ seconds: Double) throws -> Int32 {
        guard seconds.isFinite, seconds > 0, seconds <= 3600 else {
            throw RungError.usage("--timeout must be a number of seconds from 0 to 3600, found \(seconds)")
        }
        return Int32((seconds * 1000).rounded(.up))
    }
}

/// `rung sweep cancel`: stop a running sweep.
struct SweepCancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a running sweep: its running trials stop, nothing new starts; results so far are kept."
    )

    @Argument(help: "The sweep id.")
    var sweep: Int64

    @OptionGroup var connection: HeadConnectionOptions

    /// The endpoint in effect (`--head`, else `RUNG_HEAD`, else the default).
    var head: String? { connection.endpoint }

    /// The key directory in effect (`--keys`, else `RUNG_KEYS`), nil for none.
    var keys: String? { connection.keyDirectory }

    @Option(help: "Seconds to wait for the head to answer before giving up (exit 69).")
    var timeout: Double = 10

    func run() throws {
        let client = try HeadClient(endpoint: HeadClient.endpoint(head), timeoutMillis: try SweepSubmitCommand.millis(timeout), keys: keys)
        client.onSlowReply = { Output.note($0) }
        _ = try client.send(CancelSweepRequest(sweep: sweep))
        Output.line("sweep \(sweep) cancelled")
    }
}
