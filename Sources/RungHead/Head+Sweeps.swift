import Foundation
import RungCore
import RungData
import RungStorage

/// Sweeps: submission, cancellation, completion with model registration, and recovery
/// after a head restart.
extension Head {
    /// Parses and validates a sweep config, resolves (or prepares) its data, records the sweep
    /// and its studies, and starts scheduling it. Returns the sweep id.
    @discardableResult
    public func submit(configYAML: String, configPath: String, dataOverride: String? = nil,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int64 {
        let config = try SweepConfigParser.parse(yaml: configYAML, file: configPath)
        let configDirectory = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        let data = try SweepData.resolve(config: config, configDirectory: configDirectory, override: dataOverride,
                                         artifacts: blobs, scratch: scratch, environment: environment)
        var id: Int64 = 0
        try store.transaction {
            let record = try store.createSweep(SweepRecord(name: config.name, configYAML: configYAML, seed: config.seed,
                                                           status: .running, dataVersion: data.version,
                                                           message: "data \(data.uri)"))
            id = record.id
            for family in config.families {
                try store.createStudy(StudyRecord(sweepID: id, family: family.name, trialBudget: family.trials))
            }
        }
        book.add(SweepRuntime(id: id, config: config, data: data, warmStarts: warmStarts(for: config)))
        log("sweep \(id) \(config.name) submitted: \(config.families.map { "\($0.name) × \($0.trials)" }.joined(separator: ", ")) on data \(data.version)")
        return id
    }

    /// Cancels a sweep: running trials are cancelled on their workers, nothing new starts.
    /// False when the sweep is not running.
    public func cancel(sweepID: Int64) throws -> Bool {
        guard let effects = book.cancel(sweepID: sweepID, now: clock.now()) else { return false }
        try store.transaction { try apply(effects) }
        return true
    }

    /// Whether the sweep is still scheduling work.
    public func isRunning(sweepID: Int64) -> Bool { book.isRunning(sweepID: sweepID) }

    /// Sweeps still running.
    public var runningSweeps: [Int64] { book.runningSweeps }

    /// Records the end of every sweep the book ended in this pass, registering the best
    /// model of each family of a sweep that finished.
    func closeEndedSweeps() throws {
        let ended = endedSweeps
        endedSweeps.removeAll()
        for end in ended {
            let id = end.sweepID
            var record = try store.sweep(id: id) ?? SweepRecord(id: id, name: end.config.name, configYAML: "", seed: end.config.seed)
            if end.cancelled {
                record.status = .cancelled
                record.message = "cancelled"
            } else {
                let registered = registerBest(of: end)
                record.status = .finished
                record.message = registered.joined(separator: "; ")
            }
            record.finishedAt = clock.now()
            try store.updateSweep(record)
            log("sweep \(id) \(end.config.name) \(record.status.rawValue)" + ((record.message ?? "").isEmpty ? "" : ": \(record.message!)"))
        }
    }

    /// Registers the best finished trial of each family; returns one line per family.
    private func registerBest(of sweep: SweepEnd) -> [String] {
        var lines: [String] = []
        let metric = sweep.config.metric
        let policyMetric = sweep.config.register?.metric ?? "test_auc"
        let policy = PromotionPolicy(metric: policyMetric,
                                     minImprovement: sweep.config.register?.minImprovement ?? 0.002,
                                     mode: ((try? MetricName(parsing: policyMetric))?.metric.higherIsBetter ?? true) ? .max : .min)
        for family in sweep.config.families {
            do {
                let finished = try store.trials(matching: TrialQuery(sweepID: sweep.sweepID, family: family.name,
                                                                     statuses: [.finished]))
                let scored = finished.compactMap { t -> (TrialRecord, Double)? in
                    guard let v = t.finalMetrics?[metric.name], !v.isNaN, t.checkpointURI != nil else { return nil }
                    return (t, v)
                }
                guard let best = scored.min(by: { metric.mode.isBetter($0.1, than: $1.1) || ($0.1 == $1.1 && $0.0.id < $1.0.id) }) else {
                    lines.append("\(family.name): no finished trial to register")
                    continue
                }
                let trial = best.0
                guard case .command = family.kind else {
                    let (source, staged) = try localModelDirectory(trial.checkpointURI!, trialID: trial.id)
                    defer { if staged { try? FileManager.default.removeItem(at: source) } }
                    let params = try ModelMetadata.params(fromJSON: trial.paramsJSON)
                    let version = try registry.register(
                        family: family.name, sourceDirectory: source,
                        metadata: ModelMetadata(family: family.name, params: params, seed: trial.seed,
                                                metrics: trial.finalMetrics ?? [:], dataVersion: sweep.data.version,
                                                sweepID: sweep.sweepID, trialID: trial.id),
                        policy: policy)
                    lines.append("\(family.name) v\(version.version) \(version.stage.rawValue) (trial \(trial.id), \(metric.name) \(String(format: "%.4f", best.1)))")
                    continue
                }
                lines.append("\(family.name): best trial \(trial.id) (command families are not registered)")
            } catch {
                lines.append("\(family.name): registration failed: \(error)")
            }
        }
        return lines
    }

    /// A local directory with a finished trial's model files: the trial's own directory when
    /// artifacts are local, else a download into the scratch directory (`staged` is then true).
    private func localModelDirectory(_ uri: String, trialID: Int64) throws -> (URL, staged: Bool) {
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
            let uri = record.message.flatMap { $0.hasPrefix("data ") ? String($0.dropFirst(5)) : nil } ?? ""
            let trials = try store.trials(sweepID: record.id)
            // A family that had not started any trial looks its warm start up again.
            let begun = Set(trials.map(\.family))
            var fresh = config
            fresh.families = config.families.map { var f = $0; if begun.contains(f.name) { f.warmStart = .none }; return f }
            let sweep = SweepRuntime(id: record.id, config: config, data: SweepData(uri: uri, version: record.dataVersion ?? ""),
                                     warmStarts: warmStarts(for: fresh))
            let epochs = try store.epochs(sweepID: record.id, family: nil)
            try store.transaction { try apply(book.restore(sweep, trials: trials, epochs: epochs, now: clock.now())) }
        }
    }
}
