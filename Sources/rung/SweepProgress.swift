import Foundation
import RungCore
import RungHead
import RungStore

/// One look at a running sweep: how many trials ended out of how many, how many run, and
/// each family's best so far. `rung run` builds it from the store, `rung sweep submit
/// --wait` from the head's replies.
struct ProgressSnapshot: Equatable {
    /// One family's best value so far (nil: no trial has a value yet).
    struct FamilyBest: Equatable {
        var family: String
        var value: Double?
    }

    var sweepID: Int64
    /// The trial budget of all families.
    var total: Int
    /// Trials that will not train again (finished, stopped, failed, cancelled).
    var ended: Int
    /// Trials training now.
    var running: Int
    /// Trials that failed (nil when the source cannot tell).
    var failed: Int?
    /// Connected workers (nil when unknown).
    var workers: Int?
    /// The sweep metric's name (nil when unknown).
    var metric: String?
    /// The best value so far per family, in config order (empty when unknown).
    var best: [FamilyBest]

    /// Reads a sweep's progress from the store; `config` is the sweep's parsed config.
    /// The best so far is `BestPerFamily`'s over every trial: the best value at a trial's
    /// last reported epoch, as the leaderboard ranks it.
    static func load(sweepID: Int64, config: SweepConfig, store: any Store, workers: Int?) throws -> ProgressSnapshot {
        let trials = try store.trials(sweepID: sweepID)
        let epochs = try store.epochs(sweepID: sweepID, family: nil)
        var last: [Int64: (epoch: Int, value: Double)] = [:]
        for e in epochs where (last[e.trialID]?.epoch ?? Int.min) < e.epoch {
            last[e.trialID] = (e.epoch, e.metrics[config.metric.name] ?? .nan)
        }
        let best = BestPerFamily.best(perFamily: trials.map {
            BestPerFamily.Candidate(id: $0.id, family: $0.family, epochs: last[$0.id]?.epoch ?? 0, value: last[$0.id]?.value)
        }, mode: config.metric.mode)
        let budget = config.families.reduce(0) { $0 + $1.trials }
        return ProgressSnapshot(
            sweepID: sweepID, total: max(budget, trials.count), ended: trials.filter { $0.status.isTerminal }.count,
            running: trials.filter { $0.status == .running }.count, failed: trials.filter { $0.status == .failed }.count,
            workers: workers, metric: config.metric.name,
            best: config.families.map { FamilyBest(family: $0.name, value: best[$0.name]?.value) })
    }

    /// The progress as one line, e.g. "12/40 trials done, 2 running, 2 workers, eta 4m 10s |
    /// best val_auc: xgboost 0.7012  random_forest —".
    func text(eta: TimeInterval?) -> String {
        var parts = ["\(ended)/\(total) trials done", "\(running) running"]
        if let failed, failed > 0 { parts.append("\(failed) failed") }
        if let workers { parts.append("\(workers) worker\(workers == 1 ? "" : "s")") }
        if let eta { parts.append(eta < 1 ? "eta <1s" : "eta \(SweepProgress.duration(eta))") }
        var line = parts.joined(separator: ", ")
        if !best.isEmpty {
            line += " | best" + (metric.map { " \($0)" } ?? "") + ": "
                + best.map { "\($0.family) \($0.value.map { String(format: "%.4f", $0) } ?? "—")" }.joined(separator: "  ")
        }
        return line
    }
}

/// The live progress of `rung run` and `rung sweep submit --wait`. On a terminal it is one
/// line rewritten in place (at most twice a second) with the elapsed time, trials done,
/// running, the best so far per family and an ETA; events are printed above it. Elsewhere
/// (a pipe, a log file, cron, systemd) it prints a plain UTC-timestamped line when the
/// progress changed, at most every 10 s, and at least every minute while nothing changes.
final class SweepProgress {
    private let output: FileHandle
    private let quiet: Bool
    /// Whether the output is a terminal (one live line) or not (plain lines).
    let isTerminal: Bool
    /// When the sweep started to train (the elapsed time and the first ETA count from here).
    var started: Date
    private var lineShown = false
    private var lastDraw = Date.distantPast
    private var lastPlain: Date?
    private var lastPlainSnapshot: ProgressSnapshot?
    /// When each ended trial was first seen ended, oldest first (for the ETA).
    private var completions: [Date] = []
    /// The sweep's parsed config, read once (`rung run` draws on the head's loop).
    private var cachedConfig: SweepConfig?
    /// When `update` last read the store.
    private var lastRead = Date.distantPast

    /// Progress written to `output`; with `json` nothing is written at all.
    init(json: Bool, output: FileHandle = .standardOutput, started: Date = Date()) {
        self.output = output
        quiet = json
        isTerminal = isatty(output.fileDescriptor) == 1
        self.started = started
    }

    /// Prints an event line, above the live line on a terminal.
    func log(_ line: String) {
        guard !quiet else { return }
        clearLine()
        output.write(Data((line + "\n").utf8))
    }

    /// Shows `snapshot`: redraws the live line, or prints a plain line when it is time.
    func show(_ snapshot: ProgressSnapshot, now: Date = Date()) {
        guard !quiet else { return }
        while completions.count < snapshot.ended { completions.append(now) }
        let eta = self.eta(remaining: snapshot.total - snapshot.ended, now: now)
        if isTerminal {
            guard now.timeIntervalSince(lastDraw) >= 0.5 else { return }
            lastDraw = now
            let text = "[\(Self.duration(now.timeIntervalSince(started)))] sweep \(snapshot.sweepID): " + snapshot.text(eta: eta)
            let width = Self.terminalWidth(output.fileDescriptor)
            output.write(Data(("\r\u{1B}[K" + String(text.prefix(max(20, width - 1)))).utf8))
            lineShown = true
        } else {
            let since = lastPlain.map { now.timeIntervalSince($0) } ?? .infinity
            let changed = lastPlainSnapshot.map { $0.ended != snapshot.ended || $0.best != snapshot.best || $0.running != snapshot.running } ?? true
            guard (changed && since >= 10) || since >= 60 else { return }
            lastPlain = now
            lastPlainSnapshot = snapshot
            output.write(Data((Self.timestamp(now) + " sweep \(snapshot.sweepID): " + snapshot.text(eta: eta) + "\n").utf8))
        }
    }

    /// `rung run`: reads the progress from the store and shows it (at most once a second,
    /// since it queries the store on the head's loop).
    func update(head: Head, sweepID: Int64, store: any Store) {
        guard !quiet else { return }
        let now = Date()
        guard now.timeIntervalSince(lastRead) >= (isTerminal ? 1 : 2) else { return }
        lastRead = now
        guard let config = try? config(sweepID: sweepID, store: store),
              let snapshot = try? ProgressSnapshot.load(sweepID: sweepID, config: config, store: store, workers: head.workerCount)
        else { return }
        show(snapshot, now: now)
    }

    /// Removes the live line (before a summary is printed).
    func finishLine() { clearLine() }

    private func clearLine() {
        if isTerminal && lineShown {
            output.write(Data("\r\u{1B}[K".utf8))
            lineShown = false
        }
    }

    /// Seconds until `remaining` more trials end at the recent completion rate: the
    /// completions after the one ten back, over the time since it (or since the start),
    /// so a stall lengthens the estimate. Completions seen in the same look share a time,
    /// so the cut falls between two looks. Nil before the first completion.
    func eta(remaining: Int, now: Date) -> TimeInterval? {
        guard remaining > 0, !completions.isEmpty else { return nil }
        let cut = completions.count - min(10, completions.count) - 1
        var since = cut >= 0 ? completions[cut] : started
        var recent = completions.filter { $0 > since }.count
        if recent == 0 {
            since = started
            recent = completions.count
        }
        let span = now.timeIntervalSince(since)
        guard span > 0 else { return nil }
        return Double(remaining) * span / Double(recent)
    }

    private func config(sweepID: Int64, store: any Store) throws -> SweepConfig? {
        if let cachedConfig { return cachedConfig }
        guard let record = try store.sweep(id: sweepID) else { return nil }
        cachedConfig = try? SweepConfigParser.parse(yaml: record.configYAML, file: "sweep")
        return cachedConfig
    }

    /// The terminal's width in columns (TIOCGWINSZ, else $COLUMNS, else 100).
    static func terminalWidth(_ fd: Int32) -> Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100
    }

    /// A UTC timestamp for plain progress lines, e.g. "2026-11-22T05:40:12Z".
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// A short duration: "42s", "3m05s", "2h07m".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let s = Int(max(0, seconds).rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
            : s >= 60 ? String(format: "%dm%02ds", s / 60, s % 60) : "\(s)s"
    }
}

/// What `rung run` prints at the end: per family, the trials and the best one; the
/// registered versions; or all of it as one JSON document.
struct SweepSummary: Encodable {
    struct Family: Encodable {
        var name: String
        var trials: Int
        var finished: Int
        var stopped: Int
        var failed: Int
        var bestTrial: Int64?
        var bestValue: Double?
        var bestParams: String?
        var trainSeconds: Double
        enum CodingKeys: String, CodingKey {
            case name, trials, finished, stopped, failed
            case bestTrial = "best_trial", bestValue = "best_value", bestParams = "best_params", trainSeconds = "train_seconds"
        }
    }

    var sweep: Int64
    var name: String
    var status: String
    var metric: String
    var elapsedSeconds: Double
    var families: [Family]
    var registered: [String]
    var failures: [String]

    enum CodingKeys: String, CodingKey {
        case sweep, name, status, metric, families, registered, failures
        case elapsedSeconds = "elapsed_seconds"
    }

    init(store: any Store, sweepID: Int64, elapsed: Double) throws {
        guard let record = try store.sweep(id: sweepID) else {
            throw RungError.internalFailure("sweep \(sweepID) vanished from the store")
        }
        let config = try SweepConfigParser.parse(yaml: record.configYAML, file: "sweep \(sweepID)")
        let trials = try store.trials(sweepID: sweepID)
        let epochs = try store.epochs(sweepID: sweepID, family: nil)
        var last: [Int64: Double] = [:]
        var seconds: [String: Double] = [:]
        let familyOf = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0.family) })
        for e in epochs.sorted(by: { ($0.trialID, $0.epoch) < ($1.trialID, $1.epoch) }) {
            if let v = e.metrics[config.metric.name] { last[e.trialID] = v }
            if let f = familyOf[e.trialID], !e.seconds.isNaN { seconds[f, default: 0] += e.seconds }
        }
        sweep = sweepID
        name = record.name
        status = record.status.rawValue
        metric = config.metric.name
        elapsedSeconds = elapsed
        registered = (record.message ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        failures = trials.filter { $0.status == .failed }.prefix(5).map { "trial \($0.id) (\($0.family)): \($0.reason ?? "failed")" }
        families = config.families.map { f in
            let mine = trials.filter { $0.family == f.name }
            let finished = mine.filter { $0.status == .finished }
            // The trial registration would pick (docs/cli.md, "Best per family"): among the
            // finished trials, or among all while none has finished.
            let pool = finished.isEmpty ? mine : finished
            let bestID = BestPerFamily.best(of: pool.map {
                BestPerFamily.Candidate(id: $0.id, family: $0.family, epochs: $0.lastEpoch, value: last[$0.id])
            }, mode: config.metric.mode)?.id
            let best = bestID.flatMap { id in pool.first { $0.id == id } }
            return Family(name: f.name, trials: mine.count, finished: finished.count,
                          stopped: mine.filter { $0.status == .stopped }.count,
                          failed: mine.filter { $0.status == .failed }.count,
                          bestTrial: best?.id, bestValue: best.flatMap { last[$0.id] }, bestParams: best?.paramsJSON,
                          trainSeconds: seconds[f.name] ?? 0)
        }
    }

    func print(json: Bool) throws {
        if json { try Output.json(self); return }
        Output.line("")
        Output.line("sweep \(sweep) \(name) \(status) in \(SweepProgress.duration(elapsedSeconds))")
        let rows = families.map { f in
            [f.name, "\(f.trials)", "\(f.finished)", "\(f.stopped)", "\(f.failed)",
             Output.metric(f.bestValue), f.bestTrial.map(String.init) ?? "—", Output.seconds(f.trainSeconds)]
        }
        Output.line(Output.table(["family", "trials", "finished", "stopped", "failed", "best \(metric)", "trial", "train_s"], rows))
        for f in families {
            if let p = f.bestParams { Output.line("  \(f.name) best params: \(p)") }
        }
        if !registered.isEmpty {
            Output.line("registered:")
            for r in registered { Output.line("  \(r)") }
        }
        for failure in failures { Output.line("failed: \(failure)") }
        Output.line("more: `rung leaderboard \(sweep) --top 50`, `rung sweep show \(sweep)`, `rung registry ls`")
    }
}
