import Foundation
import RungCore
import RungData
import RungBlob
import RungStore
import RungArtifacts

/// Sweeps: submission, cancellation, completion with model registration, and recovery
/// after a head restart.
extension Head {
    /// Parses and validates a sweep config, resolves (or prepares) its data, records the sweep
    /// and its studies, and starts scheduling it. Returns the sweep id. This runs the data
    /// preparation on the calling thread: `rung run` uses it before its loop starts, so a
    /// data problem fails the command at once. A running head takes submissions through
    /// `submitInBackground`.
    @discardableResult
    public func submit(configYAML: String, configPath: String, dataOverride: String? = nil,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int64 {
        let config = try SweepConfigParser.parse(yaml: configYAML, file: configPath)
        let configDirectory = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        let data = try SweepData.resolve(config: config, configDirectory: configDirectory, override: dataOverride,
                                         artifacts: blobs, scratch: scratch, environment: environment)
        var id: Int64 = 0
        try store.transaction {
            id = try recordSubmission(config, yaml: configYAML, status: .running, data: data, message: "data \(data.uri)")
            startScheduling(id, config: config, data: data)
        }
        return id
    }

    /// Records a submitted sweep at once (status `queued`, message `preparing data`) and
    /// resolves or prepares its data on the helper thread, so the loop keeps answering
    /// workers meanwhile; the sweep starts scheduling when its data is ready, or fails with
    /// the reason. A config error, and a data mistake `SweepData.precheck` finds without
    /// reading data, is thrown here. Returns the sweep id.
    @discardableResult
    public func submitInBackground(configYAML: String, configPath: String, dataOverride: String? = nil,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int64 {
        let config = try SweepConfigParser.parse(yaml: configYAML, file: configPath)
        try SweepData.precheck(config: config, configDirectory: URL(fileURLWithPath: configPath).deletingLastPathComponent(),
                               override: dataOverride, environment: environment)
        var id: Int64 = 0
        try store.transaction {
            id = try recordSubmission(config, yaml: configYAML, status: .queued, data: nil,
                                      message: Self.preparingMessage(configPath: configPath, dataOverride: dataOverride))
        }
        prepareData(id, config: config, configPath: configPath, dataOverride: dataOverride, environment: environment)
        return id
    }

    /// The sweep's row and one study per family; returns the sweep id.
    private func recordSubmission(_ config: SweepConfig, yaml: String, status: SweepRecord.Status, data: SweepData?,
                                  message: String) throws -> Int64 {
        let record = try store.createSweep(SweepRecord(name: config.name, configYAML: yaml, seed: config.seed,
                                                       status: status, dataVersion: data?.version, message: message,
                                                       dataURI: data?.uri))
        for family in config.families {
            try store.createStudy(StudyRecord(sweepID: record.id, family: family.name, trialBudget: family.trials))
        }
        return record.id
    }

    /// The message of a sweep whose data is being prepared: it also keeps where the config
    /// was (relative recipe paths start there) and the `--data` override, so a restarted head
    /// can prepare it again.
    static func preparingMessage(configPath: String, dataOverride: String?) -> String {
        "preparing data (config: \(configPath)" + (dataOverride.map { "; data: \($0)" } ?? "") + ")"
    }

    /// The config path and `--data` override kept in a `preparingMessage`.
    static func preparingSource(_ message: String?) -> (configPath: String, dataOverride: String?)? {
        guard let message, message.hasPrefix("preparing data (config: "), message.hasSuffix(")") else { return nil }
        let inner = message.dropFirst("preparing data (config: ".count).dropLast()
        if let split = inner.range(of: "; data: ", options: .backwards) {
            return (String(inner[..<split.lowerBound]), String(inner[split.upperBound...]))
        }
        return (String(inner), nil)
    }

    /// Hands the sweep's data to the book once it is ready.
    private func startScheduling(_ id: Int64, config: SweepConfig, data: SweepData) {
        book.add(withHistory(SweepRuntime(id: id, config: config, data: data, warmStarts: warmStarts(for: config))))
        log("sweep \(id) \(config.name) submitted: \(config.families.map { "\($0.name) × \($0.trials)" }.joined(separator: ", ")) on data \(data.version)")
    }

    /// Resolves the data of queued sweep `id` on the helper thread; then (on the loop) the
    /// sweep runs, or fails naming the data problem.
    func prepareData(_ id: Int64, config: SweepConfig, configPath: String, dataOverride: String?,
                     environment: [String: String]) {
        preparing[id] = config.name
        log("sweep \(id) \(config.name): preparing its data")
        let configDirectory = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        let (blobs, scratch) = (self.blobs, self.scratch)
        slowWork.start({
            try SweepData.resolve(config: config, configDirectory: configDirectory, override: dataOverride,
                                  artifacts: blobs, scratch: scratch, environment: environment)
        }, completion: { [unowned self] result in
            preparing[id] = nil
            guard var record = try store.sweep(id: id), record.status == .queued else { return }
            switch result {
            case .success(let data):
                record.status = .running
                record.dataVersion = data.version
                record.dataURI = data.uri
                record.message = "data \(data.uri)"
                try store.updateSweep(record)
                startScheduling(id, config: config, data: data)
            case .failure(let error):
                record.status = .failed
                record.message = "cannot prepare its data: \((error as? RungError)?.message ?? "\(error)")"
                record.finishedAt = clock.now()
                try store.updateSweep(record)
                log("sweep \(id) \(config.name) failed: \(record.message!)")
            }
        })
    }

    /// Cancels a sweep: running trials are cancelled on their workers, nothing new starts.
    /// False when the sweep is not running.
    public func cancel(sweepID: Int64) throws -> Bool {
        if preparing.removeValue(forKey: sweepID) != nil, var record = try store.sweep(id: sweepID) {
            // Its data is still being prepared: the sweep ends now, and the preparation's
            // result is dropped when it arrives (the sweep is no longer queued).
            record.status = .cancelled
            record.message = "cancelled"
            record.finishedAt = clock.now()
            try store.updateSweep(record)
            log("sweep \(sweepID) \(record.name) cancelled while its data was being prepared")
            return true
        }
        guard let effects = book.cancel(sweepID: sweepID, now: clock.now()) else { return false }
        try store.transaction { try apply(effects) }
        return true
    }

    /// Whether the sweep is still preparing its data, scheduling work or registering its models.
    public func isRunning(sweepID: Int64) -> Bool {
        preparing[sweepID] != nil || book.isRunning(sweepID: sweepID) || registering[sweepID] != nil
    }

    /// Sweeps scheduling work, in submission order.
    public var runningSweeps: [Int64] { book.runningSweeps }

    /// Sweeps whose data is being prepared, by id.
    public var preparingSweeps: [Int64] { preparing.keys.sorted() }

    /// Records the end of every sweep the book ended in this pass. A finished sweep first
    /// registers the best model of each family: the files are copied on the helper thread,
    /// and the sweep is closed (`finished`, one line per family) when they are recorded.
    func closeEndedSweeps() throws {
        let ended = endedSweeps
        endedSweeps.removeAll()
        for end in ended {
            guard !end.cancelled else {
                try closeSweep(end, status: .cancelled, message: "cancelled")
                continue
            }
            let (lines, plans) = planRegistrations(of: end)
            guard !plans.isEmpty else {
                try closeSweep(end, status: .finished, message: lines.compactMap { $0 }.joined(separator: "; "))
                continue
            }
            registering[end.sweepID] = end.config.name
            let (blobs, scratch) = (self.blobs, self.scratch)
            slowWork.start({
                plans.map { plan in Result { try Self.stage(plan, blobs: blobs, scratch: scratch) } }
            }, completion: { [unowned self] outcome in
                registering[end.sweepID] = nil
                let staged = try outcome.get()
                var filled = lines
                for (plan, result) in zip(plans, staged) {
                    do {
                        let version = try registry.record(result.get(), policy: plan.policy)
                        filled[plan.line] = "\(plan.family) v\(version.version) \(version.stage.rawValue) (trial \(plan.trialID), \(end.config.metric.name) \(String(format: "%.4f", plan.value)))"
                    } catch {
                        filled[plan.line] = "\(plan.family): registration failed: \(error)"
                    }
                }
                try closeSweep(end, status: .finished, message: filled.compactMap { $0 }.joined(separator: "; "))
            })
        }
    }

    /// Writes a sweep's end to the store and logs it.
    private func closeSweep(_ end: SweepEnd, status: SweepRecord.Status, message: String) throws {
        let id = end.sweepID
        var record = try store.sweep(id: id) ?? SweepRecord(id: id, name: end.config.name, configYAML: "", seed: end.config.seed)
        record.status = status
        record.message = message
        record.finishedAt = clock.now()
        try store.updateSweep(record)
        log("sweep \(id) \(end.config.name) \(status.rawValue)" + (message.isEmpty ? "" : ": \(message)"))
    }

    /// One family's registration: chosen on the loop, staged on the helper thread.
    struct RegistrationPlan: Sendable {
        var family: String
        /// Its place among the sweep's summary lines.
        var line: Int
        var trialID: Int64
        /// The trial's value of the sweep metric.
        var value: Double
        var checkpointURI: String
        var metadata: ModelMetadata
        var number: Int
        var policy: PromotionPolicy
    }

    /// The summary line of each family (nil where a registration will fill it in) and the
    /// registrations to stage. The best trial of a family is `BestPerFamily`'s among its
    /// finished trials that saved a model.
    private func planRegistrations(of sweep: SweepEnd) -> (lines: [String?], plans: [RegistrationPlan]) {
        var lines: [String?] = []
        var plans: [RegistrationPlan] = []
        let metric = sweep.config.metric
        let policyMetric = sweep.config.register?.metric ?? "test_auc"
        let policy = PromotionPolicy(metric: policyMetric,
                                     minImprovement: sweep.config.register?.minImprovement ?? 0.002,
                                     mode: ((try? MetricName(parsing: policyMetric))?.metric.higherIsBetter ?? true) ? .max : .min)
        for family in sweep.config.families {
            do {
                let finished = try store.trials(matching: TrialQuery(sweepID: sweep.sweepID, family: family.name,
                                                                     statuses: [.finished]))
                // The one definition of "best per family" (docs/cli.md), over finished trials with a saved model.
                let withModel = finished.filter { $0.checkpointURI != nil }
                let candidates = withModel.map {
                    BestPerFamily.Candidate(id: $0.id, family: family.name, epochs: $0.lastEpoch, value: $0.finalMetrics?[metric.name])
                }
                guard let best = BestPerFamily.best(of: candidates, mode: metric.mode), let value = best.value,
                      let trial = withModel.first(where: { $0.id == best.id }) else {
                    lines.append("\(family.name): no finished trial to register")
                    continue
                }
                if case .command = family.kind {
                    lines.append("\(family.name): best trial \(trial.id) (command families are not registered)")
                    continue
                }
                let params = try ModelMetadata.params(fromJSON: trial.paramsJSON)
                let number = max(try registry.nextVersionNumber(family: family.name), (reservedVersions[family.name] ?? 0) + 1)
                reservedVersions[family.name] = number
                plans.append(RegistrationPlan(
                    family: family.name, line: lines.count, trialID: trial.id, value: value,
                    checkpointURI: trial.checkpointURI!,
                    metadata: ModelMetadata(family: family.name, params: params, seed: trial.seed,
                                            metrics: trial.finalMetrics ?? [:], dataVersion: sweep.data.version,
                                            sweepID: sweep.sweepID, trialID: trial.id),
                    number: number, policy: policy))
                lines.append(nil)
            } catch {
                lines.append("\(family.name): registration failed: \(error)")
            }
        }
        return (lines, plans)
    }

    /// Copies one planned version's files into the registry (on the helper thread).
    private static func stage(_ plan: RegistrationPlan, blobs: any BlobStore, scratch: URL) throws -> StagedVersion {
        let (source, staged) = try localModelDirectory(plan.checkpointURI, trialID: plan.trialID, scratch: scratch)
        defer { if staged { try? FileManager.default.removeItem(at: source) } }
        return try Registry.stage(family: plan.family, sourceDirectory: source, metadata: plan.metadata, number: plan.number,
                                  policyMetric: plan.policy.metric, blobs: blobs)
    }

    /// A local directory with a finished trial's model files: the trial's own directory when
    /// artifacts are local, else a download into the scratch directory (`staged` is then true).
    private static func localModelDirectory(_ uri: String, trialID: Int64, scratch: URL) throws -> (URL, staged: Bool) {
        guard SweepData.isRemote(uri) else { return (SweepData.localURL(uri), false) }
        let (parent, key) = try openBlobParent(of: uri)
        let local = scratch.appendingPathComponent("trial-\(trialID)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        do {
            try parent.download(prefix: key, into: local)
        } catch {
            try? FileManager.default.removeItem(at: local)
            throw error
        }
        return (local, true)
    }

    // MARK: - Recovery

    /// Rebuilds every unfinished sweep from the store: searchers and schedulers replay the
    /// recorded trials and epoch results in the order they were recorded; trials that were
    /// running wait for their worker to re-attach them, or run again.
    func recover() throws {
        let unfinished = try store.sweeps(statuses: [.queued, .running]).sorted { $0.id < $1.id }
        for record in unfinished {
            let config: SweepConfig
            do {
                config = try SweepConfigParser.parse(yaml: record.configYAML, file: "sweep \(record.id) config")
            } catch {
                var failed = record
                failed.status = .failed
                failed.message = "cannot resume: \(error)"
                try store.updateSweep(failed)
                continue
            }
            if record.status == .queued {
                // Its data was still being prepared: start that again.
                let source = Self.preparingSource(record.message)
                prepareData(record.id, config: config, configPath: source?.configPath ?? config.file,
                            dataOverride: source?.dataOverride, environment: ProcessInfo.processInfo.environment)
                continue
            }
            let uri = record.dataURI ?? ""
            let trials = try store.trials(sweepID: record.id)
            // A family that had not started any trial looks its warm start up again.
            let begun = Set(trials.map(\.family))
            var fresh = config
            fresh.families = config.families.map { var f = $0; if begun.contains(f.name) { f.warmStart = .none }; return f }
            let sweep = withHistory(SweepRuntime(id: record.id, config: config, data: SweepData(uri: uri, version: record.dataVersion ?? ""),
                                                 warmStarts: warmStarts(for: fresh)))
            let epochs = try store.epochs(sweepID: record.id, family: nil)
            try store.transaction { try apply(book.restore(sweep, trials: trials, epochs: epochs, now: clock.now())) }
        }
    }
}
