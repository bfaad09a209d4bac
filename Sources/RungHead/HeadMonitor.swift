import Foundation
import RungCore
import RungStore

/// What `rung top` shows, kept current from every sweep, trial and epoch result the head
/// writes to its store (`MonitoredStore` forwards them here), so a snapshot is built from
/// memory and never reads the store on the head's loop. Confined to the head's thread.
///
/// It holds the trials of running sweeps and of the few most recently ended ones, each
/// family's best-so-far history (`BestPerFamily`), and each worker's busy-slot timeline over
/// the last minute.
final class HeadMonitor {
    /// One trial as the monitor sees it.
    struct Trial {
        var id: Int64
        var sweepID: Int64
        var family: String
        var number: Int
        var status: TrialRecord.Status
        var worker: String?
        var epoch: Int
        /// The sweep metric at the trial's latest epoch (nil before the first report).
        var value: Double?
        var paramsJSON: String
        var createdAt: Date
        var startedAt: Date?
        var finishedAt: Date?

        /// Training time so far: start to finish, or start to `now` while it is not over.
        func seconds(now: Date) -> Double? {
            guard let startedAt else { return nil }
            let end = finishedAt ?? (status.isTerminal ? startedAt : now)
            return max(0, end.timeIntervalSince(startedAt))
        }
    }

    /// One family's best trial so far (`BestPerFamily`: the best value at a trial's last
    /// reported epoch, as the leaderboard ranks it) and when its value changed.
    struct FamilyBest {
        /// The best trial now, nil until a trial of the family has a value.
        var candidate: BestPerFamily.Candidate?
        /// (time, best value from then on), oldest first; thinned to at most `historyLimit`.
        var history: [(Date, Double)] = []

        /// The best value now.
        var value: Double? { candidate?.value }
        /// The best trial now.
        var trial: Int64? { candidate?.id }
    }

    /// One sweep's trials and bests.
    struct Board {
        var id: Int64
        var name: String
        var status: SweepRecord.Status
        var config: SweepConfig?
        var createdAt: Date
        var finishedAt: Date?
        var message: String?
        var trials: [Int64: Trial] = [:]
        var best: [String: FamilyBest] = [:]
        /// Whether the board holds every trial of the sweep (false for a sweep the head
        /// recovered after a restart until it is loaded from the store).
        var complete: Bool

        var metricName: String { config?.metric.name ?? "" }
        var mode: OptimizationMode { config?.metric.mode ?? .max }
        var familyNames: [String] { config?.families.map(\.name) ?? Array(Set(trials.values.map(\.family))).sorted() }
    }

    /// Busy-slot changes of one worker: (time, busy slots from then on), oldest first.
    struct BusyTimeline {
        var changes: [(Date, Int)] = []
        var firstSeen: Date
    }

    static let historyLimit = 256
    static let endedSweepsKept = 3
    static let utilisationWindow: TimeInterval = 60

    private(set) var boards: [Int64: Board] = [:]
    private var sweepOfTrial: [Int64: Int64] = [:]
    /// Which worker each running trial is on.
    private var runningOn: [Int64: String] = [:]
    private var busy: [String: Set<Int64>] = [:]
    private var timelines: [String: BusyTimeline] = [:]
    var clock: () -> Date = Date.init

    // MARK: - Events (from MonitoredStore)

    func sweepSaved(_ record: SweepRecord) {
        if var board = boards[record.id] {
            board.name = record.name
            board.status = record.status
            board.finishedAt = record.finishedAt
            board.message = record.message
            boards[record.id] = board
        } else {
            let config = try? SweepConfigParser.parse(yaml: record.configYAML, file: "sweep \(record.id) config")
            boards[record.id] = Board(id: record.id, name: record.name, status: record.status, config: config,
                                      createdAt: record.createdAt, finishedAt: record.finishedAt,
                                      message: record.message, complete: true)
        }
        if record.status.isTerminal { forgetOldSweeps() }
    }

    func trialSaved(_ record: TrialRecord) {
        if boards[record.sweepID] == nil {
            // A trial of a sweep recovered after a restart: keep what arrives until the
            // board is loaded from the store (`load`).
            boards[record.sweepID] = Board(id: record.sweepID, name: "", status: .running, config: nil,
                                           createdAt: record.createdAt, complete: false)
        }
        sweepOfTrial[record.id] = record.sweepID
        var trial = boards[record.sweepID]!.trials[record.id]
            ?? Trial(id: record.id, sweepID: record.sweepID, family: record.family, number: record.number,
                     status: record.status, worker: record.worker, epoch: record.lastEpoch, value: nil,
                     paramsJSON: record.paramsJSON, createdAt: record.createdAt)
        trial.status = record.status
        trial.worker = record.worker
        trial.epoch = max(trial.epoch, record.lastEpoch)
        trial.startedAt = record.startedAt
        trial.finishedAt = record.finishedAt
        let metric = boards[record.sweepID]!.metricName
        if trial.value == nil, let final = record.finalMetrics?[metric] { trial.value = final }
        boards[record.sweepID]!.trials[record.id] = trial
        if trial.value != nil { updateBest(sweep: record.sweepID, trial: trial, at: record.finishedAt ?? clock()) }
        setRunning(record.id, on: record.status == .running ? record.worker : nil)
    }

    func epochsRecorded(_ epochs: [EpochRecord]) {
        for e in epochs {
            guard let sweepID = sweepOfTrial[e.trialID], let metric = boards[sweepID]?.metricName,
                  var trial = boards[sweepID]?.trials[e.trialID] else { continue }
            guard e.epoch >= trial.epoch || trial.value == nil else { continue }
            trial.epoch = max(trial.epoch, e.epoch)
            if let v = e.metrics[metric] { trial.value = v }
            // Written in place: a copy of the board would copy its whole trial table per report.
            boards[sweepID]!.trials[e.trialID] = trial
            if trial.value != nil { updateBest(sweep: sweepID, trial: trial, at: e.recordedAt) }
        }
    }

    // MARK: - Loading a recovered sweep

    /// Whether the board of `sweepID` must be loaded from the store before it is shown.
    func needsLoad(_ sweepID: Int64) -> Bool { !(boards[sweepID]?.complete ?? false) }

    /// Replaces the board of a sweep with the store's full picture (once, for a sweep the
    /// head recovered after a restart).
    func load(_ record: SweepRecord, trials: [TrialRecord], epochs: [EpochRecord]) {
        for id in boards[record.id]?.trials.keys.map({ $0 }) ?? [] { sweepOfTrial[id] = nil }
        boards[record.id] = nil
        sweepSaved(record)
        // Trials first with no results, then every epoch result in the order it arrived (so
        // the best-so-far history has its real times), then the trials as they are now.
        for t in trials {
            var bare = t
            bare.lastEpoch = 0
            bare.finalMetrics = nil
            trialSaved(bare)
        }
        epochsRecorded(epochs.sorted { ($0.recordedAt, $0.trialID, $0.epoch) < ($1.recordedAt, $1.trialID, $1.epoch) })
        for t in trials { trialSaved(t) }
        boards[record.id]?.complete = true
    }

    // MARK: - Workers

    /// The fraction of `slots` a worker kept busy over the last minute (or since it was
    /// first seen, if later); nil until it has been seen for a second.
    func utilisation(worker: String, slots: Int, now: Date) -> Double? {
        guard slots > 0, let timeline = timelines[worker] else { return nil }
        let start = max(now.addingTimeInterval(-Self.utilisationWindow), timeline.firstSeen)
        let span = now.timeIntervalSince(start)
        guard span >= 1 else { return nil }
        var area = 0.0
        var level = 0
        var from = start
        for (time, count) in timeline.changes {
            if time <= start { level = count; continue }
            area += Double(level) * time.timeIntervalSince(from)
            from = time
            level = count
        }
        area += Double(level) * now.timeIntervalSince(from)
        return min(1, max(0, area / (Double(slots) * span)))
    }

    /// Starts a worker's timeline (called when the snapshot first sees it).
    func noteWorker(_ name: String, now: Date) {
        if timelines[name] == nil { timelines[name] = BusyTimeline(changes: [(now, busy[name]?.count ?? 0)], firstSeen: now) }
    }

    private func setRunning(_ trial: Int64, on worker: String?) {
        let previous = runningOn[trial]
        guard previous != worker else { return }
        let now = clock()
        if let previous {
            busy[previous]?.remove(trial)
            record(previous, now: now)
        }
        runningOn[trial] = worker
        if let worker {
            busy[worker, default: []].insert(trial)
            record(worker, now: now)
        }
    }

    private func record(_ worker: String, now: Date) {
        let count = busy[worker]?.count ?? 0
        var timeline = timelines[worker] ?? BusyTimeline(firstSeen: now)
        timeline.changes.append((now, count))
        // Keep one change before the window so the level at its start is known.
        let cutoff = now.addingTimeInterval(-Self.utilisationWindow)
        if let keep = timeline.changes.lastIndex(where: { $0.0 <= cutoff }), keep > 0 {
            timeline.changes.removeFirst(keep)
        }
        timelines[worker] = timeline
    }

    // MARK: - Bests

    /// Brings the best of `trial`'s family up to date after the trial's value changed.
    /// Usually one comparison; a rescan of the family only when its best trial fell back.
    private func updateBest(sweep: Int64, trial: Trial, at time: Date) {
        guard let mode = boards[sweep]?.mode else { return }
        let family = trial.family
        let changed = BestPerFamily.Candidate(id: trial.id, family: family, epochs: trial.epoch, value: trial.value)
        var best = boards[sweep]!.best[family] ?? FamilyBest()
        let winner: BestPerFamily.Candidate?
        if let current = best.candidate, current.id == changed.id {
            winner = BestPerFamily.precedes(current, changed, mode: mode)
                ? BestPerFamily.best(of: boards[sweep]!.trials.values.lazy.filter { $0.family == family }.map {
                    BestPerFamily.Candidate(id: $0.id, family: family, epochs: $0.epoch, value: $0.value)
                }, mode: mode)
                : changed
        } else if changed.hasValue, best.candidate.map({ BestPerFamily.precedes(changed, $0, mode: mode) }) ?? true {
            winner = changed
        } else {
            return
        }
        guard winner != best.candidate else { return }
        let previous = best.value
        best.candidate = winner
        if let value = winner?.value, previous.map({ $0 != value }) ?? true {
            best.history.append((time, value))
            if best.history.count > Self.historyLimit {
                // Thin the middle, keeping the first and the latest changes.
                best.history = best.history.enumerated().filter { $0.offset % 2 == 0 || $0.offset == best.history.count - 1 }.map(\.element)
            }
        }
        boards[sweep]!.best[family] = best
    }

    /// The best-so-far value of `family` at `points` evenly spaced times from the sweep's
    /// start to `end` (nil where nothing had been reported yet).
    func bestHistory(sweep: Int64, family: String, points: Int, end: Date) -> [Double?] {
        guard let board = boards[sweep], points > 0 else { return [] }
        let history = board.best[family]?.history ?? []
        let start = board.createdAt
        let span = max(end.timeIntervalSince(start), 0.001)
        var result: [Double?] = []
        var index = 0
        var current: Double?
        for i in 0..<points {
            let t = start.addingTimeInterval(span * Double(i + 1) / Double(points))
            while index < history.count, history[index].0 <= t {
                current = history[index].1
                index += 1
            }
            result.append(current)
        }
        return result
    }

    private func forgetOldSweeps() {
        let ended = boards.values.filter { $0.status != .running && $0.status != .queued }
            .sorted { ($0.finishedAt ?? $0.createdAt, $0.id) > ($1.finishedAt ?? $1.createdAt, $1.id) }
        for board in ended.dropFirst(Self.endedSweepsKept) {
            for id in board.trials.keys {
                sweepOfTrial[id] = nil
                setRunning(id, on: nil)
            }
            boards[board.id] = nil
        }
    }
}
