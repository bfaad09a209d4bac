import Foundation
import RungCore
import RungHead
import RungStorage

/// The live progress of `rung run`: one rewritten line on a terminal, a plain line every
/// ten seconds otherwise; head events are printed above it.
final class SweepProgress {
    private let json: Bool
    private let isTTY = isatty(STDOUT_FILENO) == 1
    private var lastDraw = Date.distantPast
    private var lastPlain = Date.distantPast
    private var lineShown = false
    /// The sweep's parsed config, read once (the progress line is drawn on the head's loop).
    private var cachedConfig: SweepConfig?

    init(json: Bool) { self.json = json }

    func log(_ line: String) {
        guard !json else { return }
        if isTTY && lineShown { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)); lineShown = false }
        Output.line(line)
    }

    func update(head: Head, sweepID: Int64, store: any Store, started: Date) {
        guard !json, Date().timeIntervalSince(lastDraw) >= 0.5 else { return }
        lastDraw = Date()
        guard let text = try? line(head: head, sweepID: sweepID, store: store, started: started) else { return }
        if isTTY {
            let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 120
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + String(text.prefix(max(40, width - 1)))).utf8))
            lineShown = true
        } else if Date().timeIntervalSince(lastPlain) >= 10 {
            lastPlain = Date()
            Output.line(text)
        }
    }

    func finishLine() {
        if isTTY && lineShown { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)); lineShown = false }
    }

    private func line(head: Head, sweepID: Int64, store: any Store, started: Date) throws -> String {
        guard let config = try config(sweepID: sweepID, store: store) else { return "" }
        let trials = try store.trials(sweepID: sweepID)
        let epochs = try store.epochs(sweepID: sweepID, family: nil)
        let familyOf = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0.family) })
        var best: [String: Double] = [:]
        for e in epochs {
            guard let f = familyOf[e.trialID], let v = e.metrics[config.metric.name], !v.isNaN else { continue }
            if best[f].map({ config.metric.mode.isBetter(v, than: $0) }) ?? true { best[f] = v }
        }
        let total = config.families.reduce(0) { $0 + $1.trials }
        let ended = trials.filter { $0.status.isTerminal }.count
        let running = trials.filter { $0.status == .running }.count
        let elapsed = Date().timeIntervalSince(started)
        let eta = ended > 0 && ended < total ? " eta \(Self.duration(elapsed / Double(ended) * Double(total - ended)))" : ""
        let families = config.families.map { f in
            "\(f.name) \(best[f.name].map { String(format: "%.4f", $0) } ?? "—")"
        }.joined(separator: "  ")
        return "[\(Self.duration(elapsed))] trials \(ended)/\(total) done, \(running) running, \(head.workerCount) workers\(eta) | best \(config.metric.name): \(families)"
    }

    private func config(sweepID: Int64, store: any Store) throws -> SweepConfig? {
        if let cachedConfig { return cachedConfig }
        guard let record = try store.sweep(id: sweepID) else { return nil }
        cachedConfig = try? SweepConfigParser.parse(yaml: record.configYAML, file: "sweep")
        return cachedConfig
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
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
            let pool = finished.isEmpty ? mine : finished
            let best = pool.filter { last[$0.id].map { !$0.isNaN } ?? false }
                .min { config.metric.mode.isBetter(last[$0.id]!, than: last[$1.id]!) }
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
