import ArgumentParser
import Foundation
import RungCore
import RungCLI

/// `rung top`: a live full-screen view of a head's sweeps, trials and workers.
struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Watch a running head: sweeps, families, trials and workers, refreshed live.",
        discussion: """
        On a terminal: a full-screen view (keys: q quit, tab next sweep, f cycle the family \
        filter, s cycle the sort metric → id → duration → status, j/k or arrows scroll, \
        space/PgDn a page). When stdout is not a terminal, or with --plain or --once, it \
        prints a plain summary block every interval (--once: one block, then exits). \
        Colours follow NO_COLOR. See docs/top.md.

        Exit status: 0 after q, Ctrl-C or the end of --once; 69 when the head cannot be \
        reached in plain mode (the live view keeps retrying).
        """
    )

    @OptionGroup var connection: HeadConnectionOptions

    /// The endpoint in effect (`--head`, else `RUNG_HEAD`, else the default).
    var head: String? { connection.endpoint }

    /// The key directory in effect (`--keys`, else `RUNG_KEYS`), nil for none.
    var keys: String? { connection.keyDirectory }

    @Option(help: ArgumentHelp("Seconds between refreshes (at most 1 on a terminal).", valueName: "SECONDS"))
    var interval: Double = 1

    @Option(help: "Start on this sweep (default: the first running one).")
    var sweep: Int64?

    @Option(help: "Start with this family filter.")
    var family: String?

    @Option(help: "Start with this trial order: metric, id, duration or status.")
    var sort: String = "metric"

    @Flag(help: "Print one plain summary block and exit.")
    var once = false

    @Flag(help: "Print plain summary blocks even on a terminal.")
    var plain = false

    @Flag(help: "Print the head's snapshot as one JSON document and exit (the shape is in docs/top.md).")
    var json = false

    @Option(help: "Trials in each plain summary block.")
    var trials: Int = 10

    func validate() throws {
        guard interval > 0, interval.isFinite else { throw ValidationError("--interval must be a positive number of seconds, not \(interval).") }
        guard TopSort(rawValue: sort) != nil else { throw ValidationError("--sort must be one of metric, id, duration, status; not \(sort).") }
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1, not \(trials).") }
    }

    func run() throws {
        let endpoint = HeadClient.endpoint(head)
        let state = TopViewState(sweep: sweep, family: family, sort: TopSort(rawValue: sort) ?? .metric)
        if json {
            let client = try HeadClient(endpoint: endpoint, timeoutMillis: 5000, keys: keys)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var data = try encoder.encode(TopRequest.fetch(client, state: state))
            data.append(0x0A)
            FileHandle.standardOutput.write(data)
            return
        }
        if once || plain || !RawTerminal.isInteractive {
            try runPlain(endpoint: endpoint, state: state)
        } else {
            try runLive(endpoint: endpoint, state: state)
        }
    }

    // MARK: - Plain

    private func runPlain(endpoint: String, state: TopViewState) throws {
        let stop = StopSignal()
        let client = try HeadClient(endpoint: endpoint, timeoutMillis: 5000, keys: keys)
        var first = true
        while true {
            let snapshot = try TopRequest.fetch(client, state: state)
            let screen = TopScreen(snapshot: snapshot, state: state, endpoint: endpoint, problem: nil, colour: TerminalStyle.enabled)
            let width = max(80, Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100)
            Output.line((first ? "" : "\n") + screen.plainBlock(width: width, trials: trials).joined(separator: "\n"))
            first = false
            if once { return }
            let deadline = Date().addingTimeInterval(interval)
            while Date() < deadline {
                if stop.received > 0 { return }
                Thread.sleep(forTimeInterval: min(0.1, max(0, deadline.timeIntervalSinceNow)))
            }
            if stop.received > 0 { return }
        }
    }

    // MARK: - Live

    private func runLive(endpoint: String, state initial: TopViewState) throws {
        let stop = StopSignal()
        let terminal = RawTerminal()
        try terminal.enter()
        defer { terminal.restore() }
        let refresh = min(interval, 1)
        let fetcher = SnapshotFetcher(endpoint: endpoint, interval: refresh, timeoutMillis: 2000, keys: keys, state: initial)
        fetcher.start()
        defer { fetcher.stop() }

        var state = initial
        var snapshot: TopSnapshot?
        var problem: String?
        var lastAnswer: Date?
        var lastDraw = Date.distantPast
        var lastSize = (width: 0, height: 0)
        var dirty = true
        var page = 10
        while stop.received == 0 {
            for key in TopKey.parse(terminal.read(waitingMillis: 50)) {
                let before = state
                guard state.apply(key, snapshot: snapshot, page: page) else { return }
                if before.sweep != state.sweep || before.family != state.family || before.sort != state.sort {
                    fetcher.poke(state)
                }
                dirty = true
            }
            switch fetcher.take() {
            case .snapshot(let s)? where s.sort != state.sort.rawValue || s.family != state.family
                || (state.sweep != nil && s.sweep != state.sweep && s.sweeps.contains { $0.id == state.sweep }):
                // An answer to a request made before the last key press; the next one is on its way.
                problem = nil
            case .snapshot(let s)?:
                snapshot = s
                problem = nil
                lastAnswer = Date()
                if state.sweep == nil { state.sweep = s.sweep }
                dirty = true
            case .failed(let error)?:
                if error.kind == .unavailable {
                    let since = lastAnswer.map { " (last answer \(Humanize.duration(Date().timeIntervalSince($0))) ago)" } ?? ""
                    problem = "head unreachable, retrying… \(endpoint)\(since)"
                } else {
                    problem = "the head refused: \(error.message)"
                }
                dirty = true
            case nil:
                break
            }
            let size = terminal.size()
            if size != lastSize { dirty = true; lastSize = size }
            guard dirty || Date().timeIntervalSince(lastDraw) >= refresh else { continue }
            let screen = TopScreen(snapshot: snapshot, state: state, endpoint: endpoint, problem: problem,
                                   colour: TerminalStyle.enabled)
            let (lines, rows) = screen.layout(width: size.width, height: size.height)
            page = max(1, rows)
            // Keep the scroll position inside the list the head sent.
            state.scroll = max(0, min(state.scroll, state.trials(in: snapshot).count - rows))
            terminal.draw(lines)
            lastDraw = Date()
            dirty = false
        }
    }
}
