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
        sweeps[id] = SweepRuntime(id: id, config: config, data: data, warmStarts: warmStarts(for: config))
        sweepOrder.append(id)
        log("sweep \(id) \(config.name) submitted: \(config.families.map { "\($0.name) × \($0.trials)" }.joined(separator: ", ")) on data \(data.version)")
        return id
    }

    /// Cancels a sweep: running trials are cancelled on their workers, nothing new starts.
    public func cancel(sweepID: Int64) throws -> Bool {
        guard var sweep = sweeps[sweepID] else { return false }
        sweep.cancelled = true
        sweeps[sweepID] = sweep
        try store.transaction {
            for (id, trial) in live where trial.sweepID == sweepID {
                var record = trial.record
                if let worker = record.worker, record.status == .running {
                    send(.cancel(trialID: UInt64(bitPattern: id)), to: worker)
                    workers[worker]?.running.remove(id)
                }
                record.status = .cancelled
                record.reason = "sweep cancelled"
                record.finishedAt = Date()
                try store.updateTrial(record)
                live[id] = nil
            }
            for f in sweep.families.indices {
                sweep.families[f].running.removeAll()
                sweep.families[f].restartQueue.removeAll()
            }
            sweeps[sweepID] = sweep
        }
        return true
    }

    /// Whether the sweep is still scheduling work.
    public func isRunning(sweepID: Int64) -> Bool { sweeps[sweepID] != nil }

    /// Sweeps still running.
    public var runningSweeps: [Int64] { sweepOrder.filter { sweeps[$0] != nil } }

    func finishDoneSweeps() throws {
        for id in sweepOrder {
            guard let sweep = sweeps[id], sweep.isDone else { continue }
            // Paused trials that were never promoted end as stopped.
            for (trialID, trial) in live where trial.sweepID == id {
                var record = trial.record
                record.status = sweep.cancelled ? .cancelled : .stopped
                record.reason = record.reason ?? "paused and not promoted before the sweep ended"
                record.finishedAt = Date()
                try store.updateTrial(record)
                live[trialID] = nil
            }
            var record = try store.sweep(id: id) ?? SweepRecord(id: id, name: sweep.config.name, configYAML: "", seed: sweep.config.seed)
            if sweep.cancelled {
                record.status = .cancelled
                record.message = "cancelled"
            } else {
                let registered = registerBest(of: sweep)
                record.status = .finished
                record.message = registered.joined(separator: "; ")
            }
            record.finishedAt = Date()
            try store.updateSweep(record)
            sweeps[id] = nil
            log("sweep \(id) \(sweep.config.name) \(record.status.rawValue)" + ((record.message ?? "").isEmpty ? "" : ": \(record.message!)"))
        }
    }

    /// Registers the best finished trial of each family; returns one line per family.
    private func registerBest(of sweep: SweepRuntime) -> [String] {
        var lines: [String] = []
        let metric = sweep.config.metric
        let policyMetric = sweep.config.register?.metric ?? "test_auc"
        let policy = PromotionPolicy(metric: policyMetric,
                                     minImprovement: sweep.config.register?.minImprovement ?? 0.002,
                                     mode: ((try? MetricName(parsing: policyMetric))?.metric.higherIsBetter ?? true) ? .max : .min)
        for family in sweep.families {
            do {
                let finished = try store.trials(matching: TrialQuery(sweepID: sweep.id, family: family.config.name,
                                                                     statuses: [.finished]))
                let scored = finished.compactMap { t -> (TrialRecord, Double)? in
                    guard let v = t.finalMetrics?[metric.name], !v.isNaN, t.checkpointURI != nil else { return nil }
                    return (t, v)
                }
                guard let best = scored.min(by: { metric.mode.isBetter($0.1, than: $1.1) || ($0.1 == $1.1 && $0.0.id < $1.0.id) }) else {
                    lines.append("\(family.config.name): no finished trial to register")
                    continue
                }
                let trial = best.0
                guard case .command = family.config.kind else {
                    let (source, staged) = try localModelDirectory(trial.checkpointURI!, trialID: trial.id)
                    defer { if staged { try? FileManager.default.removeItem(at: source) } }
                    let params = try ModelMetadata.params(fromJSON: trial.paramsJSON)
                    let version = try registry.register(
                        family: family.config.name, sourceDirectory: source,
                        metadata: ModelMetadata(family: family.config.name, params: params, seed: trial.seed,
                                                metrics: trial.finalMetrics ?? [:], dataVersion: sweep.data.version,
                                                sweepID: sweep.id, trialID: trial.id),
                        policy: policy)
                    lines.append("\(family.config.name) v\(version.version) \(version.stage.rawValue) (trial \(trial.id), \(metric.name) \(String(format: "%.4f", best.1)))")
                    continue
                }
                lines.append("\(family.config.name): best trial \(trial.id) (command families are not registered)")
            } catch {
                lines.append("\(family.config.name): registration failed: \(error)")
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
            let trials = try store.trials(sweepID: record.id).sorted { $0.id < $1.id }
            // A family that had not started any trial looks its warm start up again.
            let begun = Set(trials.map(\.family))
            var fresh = config
            fresh.families = config.families.map { var f = $0; if begun.contains(f.name) { f.warmStart = .none }; return f }
            var sweep = SweepRuntime(id: record.id, config: config, data: SweepData(uri: uri, version: record.dataVersion ?? ""),
                                     warmStarts: warmStarts(for: fresh))
            let epochs = try store.epochs(sweepID: record.id, family: nil).sorted {
                ($0.recordedAt, $0.trialID, $0.epoch) < ($1.recordedAt, $1.trialID, $1.epoch)
            }
            var byID: [Int64: TrialRecord] = [:]
            for t in trials {
                guard let f = sweep.familyIndex(t.family) else { continue }
                byID[t.id] = t
                sweep.families[f].trialIDs[t.number] = t.id
                let params = (try? JSONDecoder().decode([String: ParamValue].self, from: Data(t.paramsJSON.utf8))) ?? [:]
                let epochKeys = Set(sweep.families[f].config.epoch.keys)
                sweep.families[f].tuner.replayStart(trial: t.number, params: params.filter { !epochKeys.contains($0.key) })
            }
            var fed: [Int64: Int] = [:]
            for e in epochs {
                guard let t = byID[e.trialID], let f = sweep.familyIndex(t.family) else { continue }
                let value = e.metrics[config.metric.name] ?? .nan
                _ = sweep.families[f].tuner.report(trial: t.number, epoch: e.epoch, value: value)
                fed[t.id] = max(fed[t.id] ?? 0, e.epoch)
            }
            for t in trials {
                guard let f = sweep.familyIndex(t.family) else { continue }
                switch t.status {
                case .finished, .stopped:
                    break
                case .failed, .cancelled:
                    sweep.families[f].tuner.trialFailed(t.number)
                case .paused:
                    sweep.families[f].paused[t.number] = t.checkpointURI ?? ""
                    live[t.id] = LiveTrial(record: t, sweepID: record.id, familyIndex: f, number: t.number, fedEpoch: fed[t.id] ?? 0)
                case .running, .pending:
                    var pending = t
                    pending.status = .pending
                    pending.worker = nil
                    try store.updateTrial(pending)
                    sweep.families[f].restartQueue.append(t.number)
                    live[t.id] = LiveTrial(record: pending, sweepID: record.id, familyIndex: f, number: t.number, fedEpoch: fed[t.id] ?? 0)
                }
            }
            sweeps[record.id] = sweep
            sweepOrder.append(record.id)
            let waiting = sweep.families.reduce(0) { $0 + $1.restartQueue.count }
            log("resumed sweep \(record.id) \(config.name): \(trials.count) trials on record, \(waiting) to re-attach or run again")
        }
    }
}
