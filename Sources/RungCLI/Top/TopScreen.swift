import Foundation
import RungWire

/// Lays out one frame of `rung top` (or one plain summary block) from a snapshot and the
/// person's choices: a title bar, the selected sweep and its families with a sparkline of
/// the best so far, the trial table, the workers, and a key line. Every line is at most
/// `width` characters; colour codes are added only when `colour` is true.
public struct TopScreen {
    /// The head's latest answer (nil before the first).
    public var snapshot: TopSnapshot?
    /// The person's choices.
    public var state: TopViewState
    /// The head's endpoint, shown in the title.
    public var endpoint: String
    /// Shown under the title in red (e.g. "head unreachable, retrying…").
    public var problem: String?
    /// Whether to write colour codes.
    public var colour: Bool
    /// The time the title shows.
    public var now: Date = Date()

    /// A screen of `snapshot` as `state` chooses, for the head at `endpoint`, drawn at `now`.
    public init(snapshot: TopSnapshot?, state: TopViewState, endpoint: String, problem: String?, colour: Bool, now: Date = Date()) {
        self.snapshot = snapshot
        self.state = state
        self.endpoint = endpoint
        self.problem = problem
        self.colour = colour
        self.now = now
    }

    // MARK: - The full screen

    /// Exactly `height` lines (fewer only if `height` is tiny) for a `width`-column terminal.
    public func frame(width: Int, height: Int) -> [String] { layout(width: width, height: height).lines }

    /// The frame's lines and how many trial rows it had room for.
    public func layout(width: Int, height: Int) -> (lines: [String], trialRows: Int) {
        guard width >= 10, height >= 3 else { return ([Self.cut("rung top: window too small", width)], 0) }
        var top = [bar(titleText(width: width), width: width)]
        if let problem { top.append(paint(Self.cut(problem, width), "31;1")) }
        if let stalled = snapshot?.storeProblem { top.append(paint(Self.cut("head waiting: " + stalled, width), "33;1")) }
        var rowsShown = 0
        var body: [String] = []
        let room = height - top.count - 1
        if let snapshot, let sweep = state.selectedSweep(in: snapshot) {
            body.append(contentsOf: sweepLines(sweep, snapshot: snapshot, width: width))
            var families = familyTable(sweep, width: width)
            let workers = workerTable(snapshot.workers, width: width)
            var workerRows = min(workers.count - 1, 4)
            var blanks = 2
            func trialRoom() -> Int { room - body.count - families.count - (1 + workerRows) - blanks - 1 }
            if trialRoom() < 3 { blanks = 0 }
            if trialRoom() < 3 { workerRows = min(workerRows, 1) }
            while trialRoom() < 2 && families.count > 2 { families.removeLast() }
            let trialRows = max(0, trialRoom())
            rowsShown = trialRows
            body.append(contentsOf: families)
            if blanks > 0 { body.append("") }
            body.append(contentsOf: trialTable(snapshot, sweep: sweep, width: width, rows: trialRows, fill: true))
            if blanks > 0 { body.append("") }
            var shownWorkers = Array(workers.prefix(1 + workerRows))
            if workers.count > shownWorkers.count, !shownWorkers.isEmpty {
                shownWorkers[shownWorkers.count - 1] = Self.cut("… and \(workers.count - shownWorkers.count + 1) more workers", width)
            }
            body.append(contentsOf: shownWorkers)
        } else if let snapshot {
            body.append(Self.cut("no sweeps on this head: submit one with `rung sweep submit CONFIG --head \(endpoint)`", width))
            body.append("")
            body.append(contentsOf: workerTable(snapshot.workers, width: width))
        } else if problem == nil {
            body.append("waiting for the head at \(endpoint)…")
        }
        var lines = top + body.prefix(max(0, room))
        while lines.count < height - 1 { lines.append("") }
        lines.append(bar(footerText(width: width, rows: rowsShown), width: width))
        return (lines, rowsShown)
    }

    private func titleText(width: Int) -> String {
        let clock = Self.clock(now)
        let base = " rung top · \(endpoint)"
        var workers = ""
        if let list = snapshot?.workers {
            let slots = list.reduce(0) { $0 + $1.slots }, busy = list.reduce(0) { $0 + $1.busy }
            workers = " · \(list.count) worker\(list.count == 1 ? "" : "s"), \(busy)/\(slots) slots busy"
        }
        // Drop the worker summary before the clock, and the clock before the endpoint.
        for left in [base + workers, base] where left.count + 1 + clock.count + 1 <= width {
            return left + String(repeating: " ", count: width - left.count - clock.count - 1) + clock + " "
        }
        return base
    }

    private func footerText(width: Int, rows visible: Int) -> String {
        let family = state.family ?? "all"
        let text = " q quit · tab sweep · f family: \(family) · s sort: \(state.sort.rawValue) · j/k scroll"
        let trials = state.trials(in: snapshot)
        guard !trials.isEmpty, let total = snapshot?.trialsTotal else { return text }
        let rows = max(1, visible)
        let first = max(0, min(state.scroll, trials.count - rows))
        let position = "\(first + 1)–\(min(trials.count, first + rows)) of \(total) "
        guard text.count + position.count + 1 <= width else { return text }
        return text + String(repeating: " ", count: width - text.count - position.count) + position
    }

    // MARK: - Sections (shared with the plain summary)

    /// The sweep's headline: id, name, position among the sweeps, status, age, metric, best.
    public func sweepLines(_ sweep: TopSnapshot.Sweep, snapshot: TopSnapshot, width: Int) -> [String] {
        let index = (snapshot.sweeps.firstIndex { $0.id == sweep.id } ?? 0) + 1
        var text = "sweep \(sweep.id) \(sweep.name)"
        if snapshot.sweeps.count > 1 { text += " [\(index)/\(snapshot.sweeps.count)]" }
        let status = paint(sweep.status, TerminalStyle.colour(forStatus: sweep.status))
        var rest = " \(Humanize.duration(sweep.elapsedSeconds)) · \(sweep.metric) \(sweep.mode)"
        if let best = sweep.best {
            rest += " · best " + Output.metric(best)
            if let family = sweep.bestFamily { rest += " \(family)" }
            if let trial = sweep.bestTrial { rest += " #\(trial)" }
        }
        let plainLength = text.count + 1 + sweep.status.count + rest.count
        if plainLength > width {
            rest = String(rest.prefix(max(0, width - text.count - 1 - sweep.status.count - 1))) + "…"
        }
        return [Self.cut(text, width) + (text.count + 1 + sweep.status.count <= width ? " " + status + rest : "")]
    }

    /// Per family: trials finished, running, pending, stopped, failed, the budget, the best
    /// value and a sparkline of the best so far over the sweep's time.
    public func familyTable(_ sweep: TopSnapshot.Sweep, width: Int) -> [String] {
        let f = sweep.families
        let selected = state.family
        let higher = sweep.mode != "min"
        let trend = f.map { Sparkline.render($0.history, width: $0.history.count, higherIsBetter: higher) }
        return ScreenTable(columns: [
            .init(header: "FAMILY", cells: f.map { ($0.name == selected ? "▸" : "") + $0.name }, minWidth: 6, maxWidth: 18, priority: 10,
                  colours: f.map { $0.name == selected ? "1" : nil }),
            .init(header: "DONE", cells: f.map { "\($0.finished)" }, right: true, minWidth: 4, priority: 9,
                  colours: f.map { $0.finished > 0 ? TerminalStyle.colour(forStatus: "finished") : nil }),
            .init(header: "RUN", cells: f.map { "\($0.running)" }, right: true, minWidth: 3, priority: 9,
                  colours: f.map { $0.running > 0 ? TerminalStyle.colour(forStatus: "running") : nil }),
            .init(header: "PEND", cells: f.map { "\($0.pending + $0.paused)" }, right: true, minWidth: 4, priority: 8),
            .init(header: "STOP", cells: f.map { "\($0.stopped)" }, right: true, minWidth: 4, priority: 7),
            .init(header: "FAIL", cells: f.map { "\($0.failed)" }, right: true, minWidth: 4, priority: 7,
                  colours: f.map { $0.failed > 0 ? TerminalStyle.colour(forStatus: "failed") : nil }),
            .init(header: "BUDGET", cells: f.map { "\($0.budget)" }, right: true, minWidth: 6, priority: 6),
            .init(header: "BEST", cells: f.map { Output.metric($0.best) }, right: true, minWidth: 6, priority: 9),
            .init(header: "BEST OVER TIME", cells: trend, minWidth: 6, maxWidth: 40, priority: 5, fill: true,
                  colours: f.map { _ in "32" },
                  cellsForWidth: { w in f.map { Sparkline.render($0.history, width: w, higherIsBetter: higher) } }),
        ]).render(width: width, colour: colour)
    }

    /// The trial table: header plus up to `rows` rows from the scroll position (all rows
    /// when `rows` is nil); with `fill`, blank rows pad it to `rows`.
    public func trialTable(_ snapshot: TopSnapshot, sweep: TopSnapshot.Sweep, width: Int, rows: Int?, fill: Bool = false) -> [String] {
        let all = state.trials(in: snapshot)
        var start = 0
        if let rows { start = max(0, min(state.scroll, all.count - rows)) }
        let t = Array(all.dropFirst(start).prefix(rows ?? all.count))
        var lines = ScreenTable(columns: [
            .init(header: "TRIAL", cells: t.map { "\($0.id)" }, right: true, minWidth: 5, maxWidth: 8, priority: 10),
            .init(header: "FAMILY", cells: t.map(\.family), minWidth: 6, maxWidth: 14, priority: 8),
            .init(header: "STATUS", cells: t.map(\.status), minWidth: 7, maxWidth: 9, priority: 9,
                  colours: t.map { TerminalStyle.colour(forStatus: $0.status) }),
            .init(header: "RUNG", cells: t.map { $0.rung.map(String.init) ?? "—" }, right: true, minWidth: 4, priority: 3),
            .init(header: "EPOCH", cells: t.map { $0.maxEpochs > 0 ? "\($0.epoch)/\($0.maxEpochs)" : "\($0.epoch)" },
                  right: true, minWidth: 5, priority: 6),
            .init(header: sweep.metric.uppercased(), cells: t.map { Output.metric($0.metric) }, right: true, minWidth: 6, maxWidth: 12, priority: 9,
                  colours: t.map { $0.id == sweep.bestTrial ? "1" : nil }),
            .init(header: "WORKER", cells: t.map { $0.worker ?? "—" }, minWidth: 6, maxWidth: 10, priority: 5),
            .init(header: "TIME", cells: t.map { $0.seconds.map(Humanize.elapsed) ?? "—" }, right: true, minWidth: 6, maxWidth: 7, priority: 4),
            .init(header: "PARAMS", cells: t.map { Self.params($0.params, short: false) },
                  minWidth: 12, maxWidth: 200, priority: 2, fill: true,
                  cellsForWidth: { w in t.map { trial in
                      let full = Self.params(trial.params, short: false)
                      return full.count <= w ? full : Self.params(trial.params, short: true)
                  } }),
        ]).render(width: width, colour: colour)
        if fill, let rows {
            if t.isEmpty { lines.append(state.family.map { "no trials of \($0) yet" } ?? "no trials yet") }
            while lines.count < rows + 1 { lines.append("") }
        }
        return lines
    }

    /// The workers: busy/total slots, utilisation over the last minute, last heartbeat, trials.
    public func workerTable(_ w: [TopSnapshot.Worker], width: Int) -> [String] {
        guard !w.isEmpty else { return ["no workers connected: start one with `rung worker --head \(endpoint)`"] }
        return ScreenTable(columns: [
            .init(header: "WORKER", cells: w.map(\.name), minWidth: 6, maxWidth: 18, priority: 10),
            .init(header: "HOST", cells: w.map(\.host), minWidth: 6, maxWidth: 16, priority: 5),
            .init(header: "STATE", cells: w.map { $0.draining ? "draining" : $0.busy > 0 ? "busy" : "idle" }, minWidth: 5, priority: 6,
                  colours: w.map { $0.draining ? "33" : $0.busy > 0 ? "36" : "2" }),
            .init(header: "SLOTS", cells: w.map { "\($0.busy)/\($0.slots)" }, right: true, minWidth: 5, priority: 9),
            .init(header: "UTIL", cells: w.map { $0.utilisation.map { "\(Int(($0 * 100).rounded()))%" } ?? "—" }, right: true, minWidth: 4, priority: 8),
            .init(header: "HEARD", cells: w.map { String(format: "%.1fs", Double($0.lastHeardMs) / 1000) }, right: true, minWidth: 5, priority: 7,
                  colours: w.map { $0.lastHeardMs > 3000 ? "31" : nil }),
            .init(header: "TRIALS", cells: w.map { $0.trials.isEmpty ? "—" : $0.trials.map { "#\($0)" }.joined(separator: " ") },
                  minWidth: 8, maxWidth: 200, priority: 4, fill: true),
        ]).render(width: width, colour: colour)
    }

    // MARK: - Plain summary

    /// One block for logs and pipes: every sweep with its families, the selected sweep's
    /// best `trials` trials, and the workers.
    public func plainBlock(width: Int, trials: Int) -> [String] {
        var lines = [titleText(width: width).trimmingCharacters(in: .whitespaces)]
        guard let snapshot else { return lines + [problem ?? "no answer from the head yet"] }
        if let stalled = snapshot.storeProblem { lines.append("head waiting: " + stalled) }
        if snapshot.sweeps.isEmpty { lines.append("no sweeps on this head") }
        for sweep in snapshot.sweeps {
            lines.append(contentsOf: sweepLines(sweep, snapshot: snapshot, width: width))
            lines.append(contentsOf: familyTable(sweep, width: width - 2).map { "  " + $0 })
        }
        if let sweep = state.selectedSweep(in: snapshot), !state.trials(in: snapshot).isEmpty {
            lines.append("trials of sweep \(sweep.id) by \(state.sort.rawValue)" + (state.family.map { ", family \($0)" } ?? "") + ":")
            lines.append(contentsOf: trialTable(snapshot, sweep: sweep, width: width - 2, rows: trials).map { "  " + $0 })
        }
        lines.append(contentsOf: workerTable(snapshot.workers, width: width))
        return lines
    }

    // MARK: - Helpers

    /// `name=value` pairs; `short` abbreviates names of several words to their initials
    /// (max_depth → md, learning_rate → lr) so more values fit a narrow column.
    public static func params(_ pairs: [[String]], short: Bool) -> String {
        pairs.compactMap { pair -> String? in
            guard pair.count == 2 else { return nil }
            let words = pair[0].split(separator: "_")
            let name = short && words.count > 1 ? String(words.compactMap(\.first)) : pair[0]
            return "\(name)=\(pair[1])"
        }.joined(separator: " ")
    }

    private func bar(_ text: String, width: Int) -> String {
        let fitted = ScreenTable.fit(text, width)
        return colour ? "\u{1B}[7m\(fitted)\u{1B}[0m" : fitted
    }

    private func paint(_ text: String, _ code: String?) -> String {
        guard colour, let code else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// `text` cut with "…" to at most `width` characters.
    public static func cut(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }

    /// `date` as a local clock time, "HH:mm:ss".
    public static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }
}
