import ArgumentParser
import Foundation
import RungCore
import RungHead
import RungStore
import RungWire
import RungCLI

/// `rung head`: the long-running head of a cluster.
struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Run the head: schedule submitted sweeps on the workers that connect to it.",
        discussion: """
        Workers connect with `rung worker --head ENDPOINT`; sweeps arrive with \
        `rung sweep submit CONFIG --head ENDPOINT`. On start the head resumes every unfinished \
        sweep in its store; workers that come back re-attach the trials they are running. \
        Stop it with Ctrl-C (or SIGTERM): the store keeps everything, a restart carries on.

        With --keys DIR every connection is CURVE-encrypted and only the public keys in \
        DIR/authorized get in (the folder is re-read when it changes, so keys can be added and \
        removed while the head runs); refused keys are logged once a minute each. Without keys \
        the head listens only on loopback unless --insecure is given.
        """
    )

    @Option(help: "The ZeroMQ endpoint to listen on (default: $RUNG_HEAD, else \(HeadConnectionOptions.defaultEndpoint)).")
    var listen: String?

    @OptionGroup var store: StoreOptions

    @Option(help: "Heartbeat interval in milliseconds.")
    var heartbeatMs: UInt32 = 1000

    @Option(help: "A worker silent this many milliseconds is lost; its trials run again elsewhere.")
    var lostAfterMs: UInt32 = 5000

    @Option(help: "How many times a trial is retried after a lost worker or a failure.")
    var retries: Int = 2

    @Option(help: "The most slots a worker may claim; a worker claiming more is refused (it would take trials it cannot run).")
    var maxWorkerSlots: Int = HeadOptions.defaultMaxWorkerSlots

    @Option(help: ArgumentHelp("A CURVE key directory: head.key/head.pub and authorized/*.pub, the workers and clients let in (see `rung keys`). Default: $RUNG_KEYS.", valueName: "DIR"))
    var keys: String?

    @Flag(help: "Listen on a non-loopback address without CURVE keys (anyone who can reach the port can join).")
    var insecure = false

    @OptionGroup var observability: ObservabilityOptions

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let endpoint = HeadConnectionOptions.endpoint(listen)
        let keyDirectory = keys ?? EnvironmentDefault.value("RUNG_KEYS")
        if keyDirectory != nil && insecure {
            throw RungError.usage("--insecure allows a listener without keys; with --keys it means nothing: leave one of them out")
        }
        if keyDirectory == nil && !Self.isLoopback(endpoint) && !insecure {
            throw RungError.usage("refusing to listen on \(endpoint) without CURVE keys: anyone who reaches it could join as a worker, read trial data or submit sweeps that run commands; pass --keys DIR (see `rung keys generate`), or --insecure on a trusted network")
        }
        let curve = try keyDirectory.map { try CurveServerKeys.load(directory: URL(fileURLWithPath: $0, isDirectory: true)) }
        guard maxWorkerSlots >= 1 else { throw RungError.usage("--max-worker-slots must be at least 1") }
        var options = HeadOptions(listen: endpoint, heartbeatMillis: heartbeatMs, lostAfterMillis: lostAfterMs,
                                  retryLimit: retries, artifacts: store.artifactsURI, keys: curve)
        options.maxWorkerSlots = maxWorkerSlots
        do {
            options.failpoint = try EnvironmentDefault.value("RUNG_FAILPOINT").flatMap { try HeadFailpoint(parsing: $0) }
        } catch {
            throw RungError.usage("\(error)")
        }
        // The port first: a head that cannot listen touches no store.
        let clock = SystemClock()
        let transport = try RouterTransport(listen: endpoint, keys: curve, clock: clock)
        let opened = try openStore(url: store.storeURL)
        try FileManager.default.createDirectory(atPath: ".rung", withIntermediateDirectories: true)
        let head = try Head(options: options, store: opened, transport: transport, clock: clock)
        let stamp = DateFormatter()
        stamp.dateFormat = "HH:mm:ss"
        head.log = logging.lineSink("rung head") ?? { Output.note("\(stamp.string(from: Date())) \($0)") }
        head.logEvent = logging.eventSink("rung head")
        let attached = try observability.attach(to: head, storeURL: store.storeURL, log: logging.lineSink("rung head"))
        head.log("listening on \(head.endpoint), store \(opened.location)"
                 + (curve.map { ", CURVE keys \($0.directory.path) (head key \($0.keyPair.publicKey.abbreviated))" } ?? ", no CURVE keys (plain text)"))
        let stop = StopSignal()
        try head.run { _ in stop.received > 0 }
        if let note = attached.finish(head: head, seconds: 2) { head.log(note) }
        head.log("stopping; unfinished sweeps resume when the head starts again")
    }

    static func isLoopback(_ endpoint: String) -> Bool {
        guard endpoint.hasPrefix("tcp://") else { return true }  // inproc/ipc stay on this host
        let host = endpoint.dropFirst(6).split(separator: ":").dropLast().joined(separator: ":")
        return host.hasPrefix("127.") || host == "localhost" || host == "[::1]" || host == "::1"
    }
}
