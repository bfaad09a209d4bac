import Foundation
import RungCore
import RungStore
import RungWire

/// The `top` control op: one typed snapshot (`TopSnapshot`) of sweeps, trials and workers for `rung top`,
/// built from the monitor's memory (docs/top.md describes the document).
extension Head {
    /// How `top` orders the trial table.
    enum TopSort: String, CaseIterable {
        case metric, id, duration, status
    }

    /// The most trials one snapshot carries.
    static let topTrialLimit = 200
    /// Points in each family's best-so-far history.
    static let topHistoryPoints = 32

    /// A snapshot for `rung top`: the running sweeps (and up to three recently ended ones),
    /// the trials of `sweep` (default: the first running sweep) in `family` (default: all),
    /// ordered by `sort` and cut to `limit`, and every connected worker.
    func topSnapshot(sweep requested: Int64?, family: String?, sort: TopSort, limit: Int) -> TopSnapshot {
        let now = clock.now()
        for id in runningSweeps where monitor.needsLoad(id) { loadBoard(id) }
        let running = runningSweeps.compactMap { monitor.boards[$0] }
        let ended = monitor.boards.values.filter { sweeps[$0.id] == nil }
            .sorted { ($0.finishedAt ?? $0.createdAt, $0.id) > ($1.finishedAt ?? $1.createdAt, $1.id) }
        let shown = running + ended
        let selected = shown.first { $0.id == requested } ?? shown.first
        var trials: [TopSnapshot.Trial] = []
        var total = 0
        if let selected {
            let matching = selected.trials.values.filter { family == nil || $0.family == family }
            total = matching.count
            trials = Self.ordered(matching, by: sort, mode: selected.mode, now: now)
                .prefix(max(0, min(limit, Self.topTrialLimit)))
                .map { trialEntry($0, board: selected, now: now) }
        }
        return TopSnapshot(now: now.timeIntervalSince1970, endpoint: endpoint, sweeps: shown.map { sweepEntry($0, now: now) },
                           workers: workerEntries(now: now), sweep: selected?.id, family: family, sort: sort.rawValue,
                           trials: trials, trialsTotal: total, storeProblem: storeProblem)
    }

    /// The progress fields of the `sweep` control reply (what `rung sweep submit --wait`
    /// shows): trial counts by status, the budget, the metric, the best value per family and
    /// the number of connected workers; nil when the monitor no longer holds the sweep.
    func sweepProgress(_ id: Int64) -> SweepStateReply.Progress? {
        if sweeps[id] != nil, monitor.needsLoad(id) { loadBoard(id) }
        guard let board = monitor.boards[id] else { return nil }
        let entry = sweepEntry(board, now: clock.now())
        var counts = entry.totals
        let budget = counts.removeValue(forKey: "budget") ?? 0
        counts.removeValue(forKey: "started")
        var best: [String: Double?] = [:]
        for family in entry.families { best[family.name] = .some(family.best) }
        return SweepStateReply.Progress(trials: counts, budget: budget, metric: board.metricName, best: best,
                                        workers: workers.names.count)
    }

    /// Reads a sweep the head recovered after a restart into the monitor, once.
    private func loadBoard(_ id: Int64) {
        guard let record = try? store.sweep(id: id),
              let trials = try? store.trials(sweepID: id),
              let epochs = try? store.epochs(sweepID: id, family: nil) else { return }
        monitor.load(record, trials: trials, epochs: epochs)
    }

    private func sweepEntry(_ board: HeadMonitor.Board, now: Date) -> TopSnapshot.Sweep {
        let end = board.finishedAt ?? now
        var totals = [String: Int]()
        let families: [TopSnapshot.Family] = board.familyNames.map { name in
            let trials = board.trials.values.filter { $0.family == name }
            var counts = [String: Int]()
            for t in trials { counts[t.status.rawValue, default: 0] += 1 }
            let runtime = sweeps[board.id].flatMap { s in s.familyIndex(name).map { s.families[$0] } }
            let budget = board.config?.families.first { $0.name == name }?.trials ?? trials.count
            let unstarted = board.status.isTerminal ? 0 : max(0, budget - trials.count)
            let best = board.best[name]
            let entry = TopSnapshot.Family(
                name: name, budget: budget, started: trials.count,
                finished: counts["finished", default: 0], running: counts["running", default: 0],
                pending: counts["pending", default: 0] + unstarted, paused: counts["paused", default: 0],
                stopped: counts["stopped", default: 0], failed: counts["failed", default: 0],
                cancelled: counts["cancelled", default: 0],
                maxEpochs: runtime?.maxEpochs ?? board.config?.scheduler.maxEpochs ?? 0,
                best: best?.value, bestTrial: best?.trial,
                history: monitor.bestHistory(sweep: board.id, family: name, points: Self.topHistoryPoints, end: end))
            let counted = [("budget", entry.budget), ("started", entry.started), ("finished", entry.finished),
                           ("running", entry.running), ("pending", entry.pending), ("paused", entry.paused),
                           ("stopped", entry.stopped), ("failed", entry.failed), ("cancelled", entry.cancelled)]
            for (key, value) in counted { totals[key, default: 0] += value }
            return entry
        }
        let bestFamily = board.best.filter { $0.value.value != nil }
            .min { a, b in
                board.mode.isBetter(a.value.value!, than: b.value.value!)
                    || (a.value.value! == b.value.value! && a.key < b.key)
            }
        return TopSnapshot.Sweep(
            id: board.id, name: board.name, status: board.status.rawValue, message: board.message ?? "",
            metric: board.metricName, mode: board.mode.rawValue,
            elapsedSeconds: max(0, end.timeIntervalSince(board.createdAt)), totals: totals,
            best: bestFamily?.value.value, bestFamily: bestFamily?.key, bestTrial: bestFamily?.value.trial,
            families: families)
    }

    private func trialEntry(_ trial: HeadMonitor.Trial, board: HeadMonitor.Board, now: Date) -> TopSnapshot.Trial {
        var rung: Int?
        var maxEpochs = board.config?.scheduler.maxEpochs ?? 0
        if let sweep = sweeps[board.id], let f = sweep.familyIndex(trial.family) {
            let scheduler = sweep.families[f].tuner.scheduler
            maxEpochs = scheduler.maxEpochs
            rung = scheduler.milestones(for: trial.number).filter { $0 <= trial.epoch }.count
        } else if let config = board.config {
            // An ended sweep: its scheduler, made again from its config, knows the same rungs.
            let scheduler = config.scheduler.makeScheduler(mode: config.metric.mode)
            maxEpochs = scheduler.maxEpochs
            rung = scheduler.milestones(for: trial.number).filter { $0 <= trial.epoch }.count
        }
        return TopSnapshot.Trial(id: trial.id, number: trial.number, family: trial.family, status: trial.status.rawValue,
                                 epoch: trial.epoch, maxEpochs: maxEpochs, rung: rung, metric: trial.value,
                                 params: keyParams(trial, board: board), worker: trial.worker, seconds: trial.seconds(now: now))
    }

    /// The first three searched parameters (in the config's order) as [name, value] pairs.
    private func keyParams(_ trial: HeadMonitor.Trial, board: HeadMonitor.Board) -> [[String]] {
        guard let params = try? JSONDecoder().decode([String: ParamValue].self, from: Data(trial.paramsJSON.utf8)) else { return [] }
        let family = board.config?.families.first { $0.name == trial.family }
        let searched = family?.space.parameters.map(\.name) ?? params.keys.sorted()
        let names = searched.filter { params[$0] != nil } + params.keys.sorted().filter { !searched.contains($0) && family?.epoch[$0] == nil }
        return names.prefix(3).map { name in
            let value: String
            switch params[name]! {
            case .double(let d): value = String(format: "%.3g", d)
            default: value = params[name]!.description
            }
            return [name, value]
        }
    }

    private func workerEntries(now: Date) -> [TopSnapshot.Worker] {
        workers.names.compactMap { name in
            guard let w = workers[name] else { return nil }
            monitor.noteWorker(name, now: now)
            return TopSnapshot.Worker(name: name, host: w.host, slots: w.slots, busy: w.running.count, draining: w.draining,
                                      trials: w.running.sorted(), lastHeardMs: max(0, Int(now.timeIntervalSince(w.lastHeard) * 1000)),
                                      utilisation: monitor.utilisation(worker: name, slots: w.slots, now: now))
        }
    }

    /// Trials in the order of `sort`: metric best first (no value last), id newest first,
    /// duration longest first, status running first; ties by id, newest first.
    static func ordered(_ trials: [HeadMonitor.Trial], by sort: TopSort, mode: OptimizationMode, now: Date) -> [HeadMonitor.Trial] {
        let rank: [TrialRecord.Status: Int] = [.running: 0, .paused: 1, .pending: 2, .finished: 3, .stopped: 4, .failed: 5, .cancelled: 6]
        return trials.sorted { a, b in
            switch sort {
            case .metric:
                let av = a.value.flatMap { $0.isNaN ? nil : $0 }, bv = b.value.flatMap { $0.isNaN ? nil : $0 }
                if let av, let bv, av != bv { return mode.isBetter(av, than: bv) }
                if (av == nil) != (bv == nil) { return av != nil }
            case .id:
                break
            case .duration:
                let ad = a.seconds(now: now) ?? -1, bd = b.seconds(now: now) ?? -1
                if ad != bd { return ad > bd }
            case .status:
                let ar = rank[a.status] ?? 9, br = rank[b.status] ?? 9
                if ar != br { return ar < br }
            }
            return a.id > b.id
        }
    }
}
