import Foundation
import RungCore
import RungStore

/// The MLflow tracking export (docs/mlflow.md): writes what the store holds and the export
/// marks say is not yet on the tracking server — each sweep as a parent run, each trial as
/// a nested run with its params, every epoch's metrics at `step` = epoch, and its end.
///
/// The store is the queue: nothing is lost while the server is down, because the rows stay
/// in the store and the marks only move after the server accepted a write. Nothing is
/// doubled: a run is looked up by its `rung.trial_id` (or `rung.sweep_id`) tag before one
/// is created, and metrics carry the epoch result's recorded time as their timestamp, so a
/// write repeated after a crash between the server's answer and the mark is a duplicate
/// MLflow's store drops.
///
/// Not thread-safe: one exporter is used by one thread (`TrackingExportThread`, or the
/// `rung export mlflow` command).
public final class TrackingExporter {
    /// What one pass did and what is left.
    public struct PassResult: Equatable, Sendable {
        /// Runs created in this pass.
        public var runsCreated = 0
        /// Metric values written in this pass.
        public var metricsWritten = 0
        /// Runs ended (status written) in this pass.
        public var runsEnded = 0
        /// What is still to export, summed over the exported sweeps.
        public var backlog = TrackingBacklog(trials: 0, epochs: 0, parentPending: false)

        /// Nothing done yet.
        public init() {}
    }

    private let store: any Store
    private let defaultTracking: TrackingSettings?
    private let overriding: Bool
    private let saveMarks: ([TrackingMark]) throws -> Void
    private let log: (String) -> Void
    /// Marks by sweep, then trial id (0: the parent run); loaded from the store once.
    private var marks: [Int64: [Int64: TrackingMark]] = [:]
    /// The tracking target of each sweep seen (nil: not exported).
    private var targets: [Int64: TrackingSettings?] = [:]
    private var clients: [String: MLflowClient] = [:]
    private var experiments: [String: String] = [:]
    /// Sweeps whose export is complete (ended and every run written).
    private var complete: Set<Int64> = []
    /// Trial runs on the server by sweep, then trial id (see `knownRuns`).
    private var runsBySweep: [Int64: [Int64: String]] = [:]
    private let timeout: Double
    /// How many trials' requests are in flight at once.
    public var parallelRequests = 4
    /// A running trial is first written once it has run this long, then at most this often
    /// (its new epochs in one request); an ended trial is written at once. A short trial
    /// thus costs the server three requests in all (create, one log-batch, update), and
    /// while the server is the bottleneck its time goes to ended trials first.
    public var liveSeconds: Double = 10
    /// When each running trial was last written, by trial id.
    private var lastLive: [Int64: Date] = [:]
    /// At most this many trials are written per pass (the next pass goes on), so a long
    /// backlog never means reading every waiting trial's epochs at once.
    public var maxTrialsPerPass = 256
    /// By sweep: every trial up to this id has ended and is marked with its end, so passes
    /// and backlogs read only the trials after it.
    private var doneThrough: [Int64: Int64] = [:]
    /// Checked before each trial: true ends the pass early (the thread is stopping).
    public var isCancelled: () -> Bool = { false }

    /// An exporter reading `store` (read-only is enough) that sends every sweep with a
    /// `tracking:` section, or every sweep to `defaultTracking` when given, and hands each
    /// mark it moves to `saveMarks` (which persists it).
    /// With `overriding`, `defaultTracking` wins over the sweeps' own `tracking:` and the
    /// store's marks are not read (every run is looked up again: `rung export mlflow`).
    public init(store: any Store, defaultTracking: TrackingSettings?, overriding: Bool = false, timeout: Double = 30,
                saveMarks: @escaping ([TrackingMark]) throws -> Void, log: @escaping (String) -> Void) throws {
        self.store = store
        self.defaultTracking = defaultTracking
        self.overriding = overriding
        self.saveMarks = saveMarks
        self.log = log
        self.timeout = timeout
        if !overriding, let markStore = store as? any TrackingMarkStore {
            for mark in try markStore.trackingMarks(sweepID: nil) { marks[mark.sweepID, default: [:]][mark.trialID] = mark }
        }
    }

    /// Takes `known` marks as the state of their runs, over what the store holds: the
    /// marks an earlier exporter of this process moved that the head may not have
    /// committed yet (held in a pass the store could not commit).
    public func adopt(_ known: [TrackingMark]) {
        for mark in known { marks[mark.sweepID, default: [:]][mark.trialID] = mark }
    }

    /// The tracking target of `sweep`: its config's `tracking:`, else the default.
    public func target(of sweep: SweepRecord) -> TrackingSettings? {
        if let known = targets[sweep.id] { return known }
        // A stored config parsed once (the head accepted it), but a later rung may check
        // more and refuse it: its `tracking:` section is then read on its own.
        var own: TrackingSettings?
        do {
            own = try SweepConfigParser.parse(yaml: sweep.configYAML, file: "sweep \(sweep.id) config").tracking
        } catch {
            own = Self.trackingSection(ofConfig: sweep.configYAML)
            if !overriding, own != nil || defaultTracking != nil {
                log("mlflow export: sweep \(sweep.id)'s stored config no longer parses (\(error)); exporting it by its tracking: section")
            }
        }
        let target = overriding ? defaultTracking : (own ?? defaultTracking)
        targets[sweep.id] = target
        return target
    }

    /// The `tracking:` section of a sweep config read on its own (nil without one, or when
    /// it names no http(s) server), for stored configs the current parser refuses.
    static func trackingSection(ofConfig yaml: String) -> TrackingSettings? {
        guard let top = try? YAMLField.document(yaml: yaml, file: "stored sweep config", what: "the sweep config"),
              let entries = try? top.mapping(), let field = top.child("tracking", in: entries),
              let section = try? field.mapping(),
              let uri = try? field.child("mlflow", in: section)?.string(),
              uri.hasPrefix("http://") || uri.hasPrefix("https://") else { return nil }
        let experiment = (try? field.child("experiment", in: section)?.string()).flatMap { $0?.isEmpty == false ? $0 : nil }
        return TrackingSettings(mlflow: uri, experiment: experiment)
    }

    /// One pass over every sweep (or only `sweepID`): writes what is missing, in trial and
    /// epoch order. Throws `MLflowError` when a server is unavailable or refuses a write;
    /// what was written before stays marked, so the next pass continues from there.
    public func exportPass(sweepID: Int64? = nil) throws -> PassResult {
        var result = PassResult()
        let sweeps = try sweepID.map { id in try store.sweep(id: id).map { [$0] } ?? [] } ?? store.sweeps()
        if let sweepID, sweeps.isEmpty { throw RungError.badInput("store \(store.location) has no sweep \(sweepID)") }
        for sweep in sweeps where !complete.contains(sweep.id) {
            guard let target = target(of: sweep) else { continue }
            if let parent = marks[sweep.id]?[0], sweep.status.isTerminal, parent.status == sweep.status.rawValue {
                complete.insert(sweep.id)
                continue
            }
            try export(sweep, to: target, into: &result)
        }
        return result
    }

    private func client(for uri: String) -> MLflowClient {
        if let client = clients[uri] { return client }
        let client = MLflowClient(baseURI: uri, timeout: timeout)
        clients[uri] = client
        return client
    }

    private func save(_ mark: TrackingMark) throws {
        try saveMarks([mark])
        marks[mark.sweepID, default: [:]][mark.trialID] = mark
    }

    private func export(_ sweep: SweepRecord, to target: TrackingSettings, into result: inout PassResult) throws {
        let client = client(for: target.mlflow)
        let experimentName = target.experiment ?? sweep.name
        let experimentKey = target.mlflow + "\u{0}" + experimentName
        let experimentID: String
        if let known = experiments[experimentKey] {
            experimentID = known
        } else {
            experimentID = try client.experimentID(named: experimentName)
            experiments[experimentKey] = experimentID
        }
        let config = try? SweepConfigParser.parse(yaml: sweep.configYAML, file: "sweep \(sweep.id) config")

        // The parent run.
        var parent: TrackingMark
        if let known = marks[sweep.id]?[0] {
            parent = known
        } else {
            let sweepFilter = "tags.`\(TrialRunMapping.sweepTag)` = '\(sweep.id)' and tags.`\(TrialRunMapping.roleTag)` = 'sweep'"
            var runID = try client.searchRuns(experimentIDs: [experimentID], filter: sweepFilter, maxResults: 10)
                .compactMap { ($0["info"] as? [String: Any])?["run_id"] as? String }.sorted().first
            if runID == nil {
                var tags = [TrialRunMapping.sweepTag: String(sweep.id), TrialRunMapping.roleTag: "sweep",
                            "mlflow.runName": sweep.name, "rung.seed": String(sweep.seed), "rung.version": RungVersion.string]
                if let data = sweep.dataVersion { tags["rung.data_version"] = data }
                runID = try client.createRun(experimentID: experimentID, name: sweep.name,
                                             startMillis: TrialRunMapping.millis(sweep.createdAt), tags: tags)
                result.runsCreated += 1
            }
            var params: [String: String] = ["seed": String(sweep.seed)]
            if let config {
                params["metric"] = config.metric.name
                params["mode"] = config.metric.mode == .max ? "max" : "min"
                params["searcher"] = config.searcher.type.rawValue
                params["scheduler"] = config.scheduler.type.rawValue
                params["families"] = config.families.map(\.name).joined(separator: ",")
            }
            try client.logBatch(runID: runID!, params: params)
            parent = TrackingMark(sweepID: sweep.id, trialID: 0, runID: runID!, epochs: 0, status: "")
            try save(parent)
        }

        // The trials: their store rows are read here, their requests go out `parallelRequests`
        // trials at a time (each trial's own requests stay in order: create, log, end).
        var jobs: [TrialJob] = []
        let now = Date()
        // A window of the trials after the exported prefix: a long backlog is read a part
        // at a time, not whole on every pass.
        let window = max(4096, 4 * maxTrialsPerPass)
        let trials = try store.trials(matching: TrialQuery(sweepID: sweep.id, limit: window, afterID: doneThrough[sweep.id]))
        // Whether a trial with something to write was left for a later pass.
        var leftForLater = trials.count == window
        for trial in trials {
            if isCancelled() { return }
            if jobs.count >= maxTrialsPerPass {
                leftForLater = true
                break
            }
            let mark = marks[sweep.id]?[trial.id]
            if let mark, trial.status.isTerminal, mark.status == trial.status.rawValue { continue }
            if !trial.status.isTerminal {
                let since = lastLive[trial.id] ?? trial.startedAt ?? trial.createdAt
                if now.timeIntervalSince(since) < liveSeconds {
                    leftForLater = true
                    continue
                }
            }
            let epochs = try store.epochs(trialID: trial.id).filter { $0.epoch > (mark?.epochs ?? 0) }
            if mark != nil, epochs.isEmpty, !trial.status.isTerminal { continue }
            let known = mark == nil ? try knownRuns(sweep: sweep, experimentID: experimentID, client: client)[trial.id] : nil
            jobs.append(TrialJob(trial: trial, mark: mark, epochs: epochs, knownRun: known))
        }
        let outcomes = Self.send(jobs, sweep: sweep, parentRunID: parent.runID, experimentID: experimentID, client: client,
                                 parallel: parallelRequests)
        var firstError: (any Error)?
        for outcome in outcomes {
            switch outcome {
            case .success(let done):
                if done.created { result.runsCreated += 1; runsBySweep[sweep.id]?[done.mark.trialID] = done.mark.runID }
                if done.ended { lastLive[done.mark.trialID] = nil } else { lastLive[done.mark.trialID] = now }
                result.metricsWritten += done.metrics
                if done.ended { result.runsEnded += 1 }
                try save(done.mark)
            case .failure(let error):
                firstError = firstError ?? error
            }
        }
        advanceDoneThrough(sweep.id, over: trials)
        if let firstError { throw firstError }

        // The parent's end, once the sweep ended and its trials are written.
        if sweep.status.isTerminal && !leftForLater {
            let status = TrialRunMapping.runStatus(sweep.status)
            var tags = ["rung.status": sweep.status.rawValue]
            if let message = sweep.message, !message.isEmpty { tags["rung.message"] = String(message.prefix(5000)) }
            try client.logBatch(runID: parent.runID, tags: tags)
            try client.updateRun(runID: parent.runID, status: status,
                                 endMillis: sweep.finishedAt.map(TrialRunMapping.millis))
            parent.status = sweep.status.rawValue
            try save(parent)
            complete.insert(sweep.id)
            result.runsEnded += 1
            if let end = sweep.finishedAt {
                let seconds = String(format: "%.1f", Date().timeIntervalSince(end))
                let stats = client.requestStats
                let mean = stats.count > 0 ? String(format: "%.0f", stats.seconds / Double(stats.count) * 1000) : "0"
                log("mlflow export: sweep \(sweep.id) \(sweep.name) fully exported \(seconds) s after it ended "
                    + "(this last pass wrote \(jobs.count) trial(s); \(stats.count) request(s) to \(target.mlflow) so far, \(mean) ms each on average)")
            }
        }
    }

    /// Moves the sweep's `doneThrough` over the leading trials (in id order) that ended and
    /// are marked with their end.
    private func advanceDoneThrough(_ sweepID: Int64, over trials: [TrialRecord]) {
        for trial in trials {
            guard trial.status.isTerminal, marks[sweepID]?[trial.id]?.status == trial.status.rawValue else { break }
            doneThrough[sweepID] = trial.id
            lastLive[trial.id] = nil
        }
    }

    /// One trial's missing state, read from the store.
    struct TrialJob: Sendable {
        var trial: TrialRecord
        var mark: TrackingMark?
        var epochs: [EpochRecord]
        var knownRun: String?
    }

    /// What writing one trial did.
    struct TrialDone: Sendable {
        var mark: TrackingMark
        var created: Bool
        var metrics: Int
        var ended: Bool
    }

    /// Sends `jobs`, at most `parallel` trials at a time; one result per job, in job order.
    static func send(_ jobs: [TrialJob], sweep: SweepRecord, parentRunID: String, experimentID: String, client: MLflowClient,
                     parallel: Int) -> [Result<TrialDone, any Error>] {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var all: [Result<TrialDone, any Error>?]
            init(_ count: Int) { all = Array(repeating: nil, count: count) }
        }
        let results = Results(jobs.count)
        let slots = DispatchSemaphore(value: max(1, parallel))
        let group = DispatchGroup()
        for (index, job) in jobs.enumerated() {
            slots.wait()
            group.enter()
            DispatchQueue.global().async {
                let outcome = Result { try write(job, sweep: sweep, parentRunID: parentRunID, experimentID: experimentID, client: client) }
                results.lock.withLock { results.all[index] = outcome }
                slots.signal()
                group.leave()
            }
        }
        group.wait()
        return results.all.map { $0! }
    }

    /// Writes one trial's missing state in as few requests as it needs: the run is created
    /// with its tags (once), then one `log-batch` carries the params (first time), the new
    /// epochs' metrics and, when the trial ended, its end tags, and one `runs/update` ends it.
    static func write(_ job: TrialJob, sweep: SweepRecord, parentRunID: String, experimentID: String,
                      client: MLflowClient) throws -> TrialDone {
        let trial = job.trial
        var mark: TrackingMark
        var params: [String: String] = [:]
        var tags: [String: String] = [:]
        var created = false
        if let existing = job.mark {
            mark = existing
        } else {
            let runID: String
            if let known = job.knownRun {
                // Found half-made (a crash before its mark was written): its tags and params
                // are sent again, the same values, which MLflow accepts.
                runID = known
                tags = TrialRunMapping.tags(of: trial, sweep: sweep, parentRunID: parentRunID)
            } else {
                runID = try client.createRun(experimentID: experimentID, name: TrialRunMapping.runName(of: trial),
                                             startMillis: TrialRunMapping.millis(trial.startedAt ?? trial.createdAt),
                                             tags: TrialRunMapping.tags(of: trial, sweep: sweep, parentRunID: parentRunID))
                created = true
            }
            params = TrialRunMapping.params(of: trial)
            mark = TrackingMark(sweepID: sweep.id, trialID: trial.id, runID: runID, epochs: 0, status: "")
        }
        let metrics = job.epochs.flatMap(TrialRunMapping.metrics(of:))
        if trial.status.isTerminal { tags.merge(TrialRunMapping.endTags(of: trial)) { $1 } }
        if !metrics.isEmpty || !params.isEmpty || !tags.isEmpty {
            try client.logBatch(runID: mark.runID, metrics: metrics, params: params, tags: tags)
        }
        if let last = job.epochs.last { mark.epochs = last.epoch }
        var ended = false
        if trial.status.isTerminal {
            try client.updateRun(runID: mark.runID, status: TrialRunMapping.runStatus(trial.status),
                                 endMillis: trial.finishedAt.map(TrialRunMapping.millis))
            mark.status = trial.status.rawValue
            ended = true
        }
        return TrialDone(mark: mark, created: created, metrics: metrics.count, ended: ended)
    }

    /// The trial runs of `sweep` already on the server, by trial id: searched once per
    /// sweep and exporter (after a restart, runs whose marks were lost are found here), then
    /// kept current with the runs this exporter creates.
    private func knownRuns(sweep: SweepRecord, experimentID: String, client: MLflowClient) throws -> [Int64: String] {
        if let known = runsBySweep[sweep.id] { return known }
        var known: [Int64: String] = [:]
        let filter = "tags.`\(TrialRunMapping.sweepTag)` = '\(sweep.id)' and tags.`\(TrialRunMapping.roleTag)` = 'trial'"
        for run in try client.searchRuns(experimentIDs: [experimentID], filter: filter) {
            guard let id = (run["info"] as? [String: Any])?["run_id"] as? String else { continue }
            let tags = (run["data"] as? [String: Any])?["tags"] as? [[String: Any]] ?? []
            guard let trial = tags.first(where: { $0["key"] as? String == TrialRunMapping.trialTag })?["value"] as? String,
                  let trialID = Int64(trial) else { continue }
            // Two runs for one trial cannot come from this exporter; keep the smaller id stably.
            if let other = known[trialID], other < id { continue }
            known[trialID] = id
        }
        runsBySweep[sweep.id] = known
        return known
    }

    /// Exports the model versions registered by exported sweeps to the registry of each
    /// sweep's tracking server (`RegistryExporter`), and moves the aliases after promotions.
    /// With `sweepID`, only the versions that sweep registered (and their families' aliases).
    public func exportModels(with registryExporter: RegistryExporter, sweepID only: Int64? = nil) throws -> RegistryExporter.PassResult {
        var total = RegistryExporter.PassResult()
        var familiesByTarget: [String: (TrackingSettings, String, Set<String>)] = [:]
        for version in try store.modelVersions(family: nil) where only == nil || version.sweepID == only {
            guard let sweepID = version.sweepID, let sweep = try store.sweep(id: sweepID), let target = target(of: sweep) else { continue }
            let experiment = target.experiment ?? sweep.name
            let key = target.mlflow + "\u{0}" + experiment
            familiesByTarget[key, default: (target, experiment, [])].2.insert(version.family)
        }
        for (key, (target, experiment, families)) in familiesByTarget.sorted(by: { $0.key < $1.key }) {
            let client = client(for: target.mlflow)
            let experimentID: String
            if let known = experiments[key] {
                experimentID = known
            } else {
                experimentID = try client.experimentID(named: experiment)
                experiments[key] = experimentID
            }
            let result = try registryExporter.exportPass(client: client, experimentID: experimentID, families: families)
            total.versionsCreated += result.versionsCreated
            total.aliasesMoved += result.aliasesMoved
        }
        return total
    }

    /// The backlog of every exported sweep (or only `sweepID`), from the store and the marks
    /// this exporter holds. Cheap: it reads trial rows only, taking a trial's epochs from its
    /// row's `last_epoch` (which the head writes when the trial's row changes; epochs of a
    /// running trial count once its row records them).
    public func backlog(sweepID: Int64? = nil) throws -> TrackingBacklog {
        var total = TrackingBacklog(trials: 0, epochs: 0, parentPending: false)
        let sweeps = try sweepID.map { id in try store.sweep(id: id).map { [$0] } ?? [] } ?? store.sweeps()
        for sweep in sweeps where !complete.contains(sweep.id) && target(of: sweep) != nil {
            let trials = try store.trials(matching: TrialQuery(sweepID: sweep.id, afterID: doneThrough[sweep.id]))
            var highest: [Int64: Int] = [:]
            for trial in trials { highest[trial.id] = trial.lastEpoch }
            let one = TrackingBacklog.of(sweep: sweep, trials: trials, highestEpochs: highest,
                                         marks: Array((marks[sweep.id] ?? [:]).values))
            total.trials += one.trials
            total.epochs += one.epochs
            total.parentPending = total.parentPending || one.parentPending
        }
        return total
    }
}
