import Foundation
import RungCore
import RungStore

/// The `top` control op: one JSON snapshot of sweeps, trials and workers for `rung top`,
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
    func topSnapshot(sweep requested: Int64?, family: String?, sort: TopSort, limit: Int) -> [String: Any] {
        let now = Date()
        for id in runningSweeps where monitor.needsLoad(id) { loadBoard(id) }
        let running = runningSweeps.compactMap { monitor.boards[$0] }
        let ended = monitor.boards.values.filter { sweeps[$0.id] == nil }
            .sorted { ($0.finishedAt ?? $0.createdAt, $0.id) > ($1.finishedAt ?? $1.createdAt, $1.id) }
        let shown = running + ended
        let selected = shown.first { $0.id == requested } ?? shown.first
        var answer: [String: Any] = [
            "ok": true,
            "now": now.timeIntervalSince1970,
            "endpoint": endpoint,
            "sweeps": shown.map { sweepJSON($0, now: now) },
            "workers": workersJSON(now: now),
        ]
        if let selected {
            let trials = selected.trials.values.filter { family == nil || $0.family == family }
            answer["sweep"] = selected.id
            answer["family"] = family ?? NSNull()
            answer["sort"] = sort.rawValue
            answer["trials_total"] = trials.count
            answer["trials"] = Self.ordered(trials, by: sort, mode: selected.mode, now: now)
                .prefix(max(0, min(limit, Self.topTrialLimit)))
                .map { trialJSON($0, board: selected, now: now) }
        } else {
            answer["sweep"] = NSNull()
            answer["trials"] = [Any]()
            answer["trials_total"] = 0
        }
        return answer
    }

    /// The progress fields of the `sweep` control reply (what `rung sweep submit --wait`
    /// shows): trial counts by status, the budget, the metric, the best value per family and
    /// the number of connected workers; empty when the monitor no longer holds the sweep.
    func sweepProgress(_ id: Int64) -> [String: Any] {
        if sweeps[id] != nil, monitor.needsLoad(id) { loadBoard(id) }
        guard let board = monitor.boards[id] else { return [:] }
        let json = sweepJSON(board, now: Date())
        var counts = json["totals"] as? [String: Int] ?? [:]
        let budget = counts.removeValue(forKey: "budget") ?? 0
        counts.removeValue(forKey: "started")
        var best: [String: Any] = [:]
        for family in json["families"] as? [[String: Any]] ?? [] {
            if let name = family["name"] as? String { best[name] = family["best"] ?? NSNull() }
        }
        return ["trials": counts, "budget": budget, "metric": board.metricName, "best": best, "workers": workers.byName.count]
    }

    /// Reads a sweep the head recovered after a restart into the monitor, once.
    private func loadBoard(_ id: Int64) {
        guard let record = try? store.sweep(id: id),
              let trials = try? store.trials(sweepID: id),
              let epochs = try? store.epochs(sweepID: id, family: nil) else { return }
        monitor.load(record, trials: trials, epochs: epochs)
    }

    private func sweepJSON(_ board: HeadMonitor.Board, now: Date) -> [String: Any] {
        let end = board.finishedAt ?? now
        var totals = [String: Int]()
        let families: [[String: Any]] = board.familyNames.map { name in
            let trials = board.trials.values.filter { $0.family == name }
            var counts = [String: Int]()
            for t in trials { counts[t.status.rawValue, default: 0] += 1 }
            let runtime = sweeps[board.id].flatMap { s in s.familyIndex(name).map { s.families[$0] } }
            let budget = board.config?.families.first { $0.name == name }?.trials ?? trials.count
            let unstarted = board.status.isTerminal ? 0 : max(0, budget - trials.count)
            let best = board.best[name]
            let entry: [String: Any] = [
                "name": name,
                "budget": budget,
                "started": trials.count,
                "finished": counts["finished", default: 0],
                "running": counts["running", default: 0],
                "pending": counts["pending", default: 0] + unstarted,
                "paused": counts["paused", default: 0],
                "stopped": counts["stopped", default: 0],
                "failed": counts["failed", default: 0],
                "cancelled": counts["cancelled", default: 0],
                "max_epochs": runtime?.maxEpochs ?? board.config?.scheduler.maxEpochs ?? 0,
                "best": Self.number(best?.value),
                "best_trial": best?.trial.map { $0 as Any } ?? NSNull(),
                "history": monitor.bestHistory(sweep: board.id, family: name, points: Self.topHistoryPoints, end: end)
                    .map { Self.number($0) },
            ]
            for key in ["budget", "started", "finished", "running", "pending", "paused", "stopped", "failed", "cancelled"] {
                totals[key, default: 0] += entry[key] as? Int ?? 0
            }
            return entry
        }
        let bestFamily = board.best.filter { $0.value.value != nil }
            .min { a, b in
                board.mode.isBetter(a.value.value!, than: b.value.value!)
                    || (a.value.value! == b.value.value! && a.key < b.key)
            }
        return [
            "id": board.id,
            "name": board.name,
            "status": board.status.rawValue,
            "message": board.message ?? "",
            "metric": board.metricName,
            "mode": board.mode.rawValue,
            "elapsed_seconds": max(0, end.timeIntervalSince(board.createdAt)),
            "totals": totals,
            "best": Self.number(bestFamily?.value.value),
            "best_family": bestFamily?.key ?? NSNull(),
            "best_trial": bestFamily?.value.trial.map { $0 as Any } ?? NSNull(),
            "families": families,
        ]
    }

    private func trialJSON(_ trial: HeadMonitor.Trial, board: HeadMonitor.Board, now: Date) -> [String: Any] {
        var rung: Any = NSNull()
        var maxEpochs = board.config?.scheduler.maxEpochs ?? 0
        if let sweep = sweeps[board.id], let f = sweep.familyIndex(trial.family) {
            let scheduler = sweep.families[f].tuner.scheduler
            maxEpochs = scheduler.maxEpochs
            rung = scheduler.milestones(for: trial.number).filter { $0 <= trial.epoch }.count
        }
        return [
            "id": trial.id,
            "number": trial.number,
            "family": trial.family,
            "status": trial.status.rawValue,
            "epoch": trial.epoch,
            "max_epochs": maxEpochs,
            "rung": rung,
            "metric": Self.number(trial.value),
            "params": keyParams(trial, board: board),
            "worker": trial.worker ?? NSNull(),
            "seconds": Self.number(trial.seconds(now: now)),
        ]
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

    private func workersJSON(now: Date) -> [[String: Any]] {
        workers.names.map { name in
            let w = workers[name]!
            monitor.noteWorker(name, now: now)
            return [
                "name": name,
                "host": w.host,
                "slots": w.slots,
                "busy": w.running.count,
                "draining": w.draining,
                "trials": w.running.sorted(),
                "last_heard_ms": max(0, Int(now.timeIntervalSince(w.lastHeard) * 1000)),
                "utilisation": Self.number(monitor.utilisation(worker: name, slots: w.slots, now: now)),
            ]
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

    /// A finite number, or JSON null.
    static func number(_ value: Double?) -> Any {
        guard let value, value.isFinite else { return NSNull() }
        return value
    }
}
