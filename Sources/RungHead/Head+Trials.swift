import Foundation
import RungCore
import RungStorage
import RungWire

/// Trials: handing work to free slots, reports and decisions, ends, retries.
extension Head {
    // MARK: - Filling slots

    func fillSlots() throws {
        guard !sweepOrder.isEmpty else { return }
        for name in workers.names {
            while let worker = workers[name], worker.freeSlots > 0 {
                guard let (sweepID, family, work) = nextWork(for: worker) else { break }
                try start(work, sweepID: sweepID, familyIndex: family, on: name)
            }
        }
    }

    /// Round-robin over running sweeps so several sweeps share the workers fairly.
    private func nextWork(for worker: WorkerEntry) -> (Int64, Int, FamilyRuntime.Work)? {
        let active = sweepOrder.filter { sweeps[$0].map { !$0.isDone } ?? false }
        guard !active.isEmpty else { return nil }
        for offset in 0..<active.count {
            let sweepID = active[(nextSweep + offset) % active.count]
            let canRun: (FamilyConfig) -> Bool = { family in
                if case .command = family.kind { return worker.families.contains("command") }
                return worker.families.contains(family.name)
            }
            if let (family, work) = sweeps[sweepID]!.nextWork(allowRestarts: Date() >= holdRestartsUntil, canRun: canRun) {
                nextSweep = (nextSweep + offset + 1) % active.count
                return (sweepID, family, work)
            }
        }
        return nil
    }

    private func start(_ work: FamilyRuntime.Work, sweepID: Int64, familyIndex: Int, on worker: String) throws {
        // Taken out of the dictionary while it changes, so its tables are not copied.
        guard var sweep = sweeps.removeValue(forKey: sweepID) else { return }
        defer { sweeps[sweepID] = sweep }
        let family = sweep.families[familyIndex]
        let now = Date()
        var trial: LiveTrial
        var startEpoch = 0
        var checkpoint = ""
        switch work {
        case .start(let number, let params):
            var all = params
            for (k, v) in family.config.epoch where all[k] == nil { all[k] = v }
            let json = "{" + all.keys.sorted().map { "\(JSONText.quote($0)):\(all[$0]!.jsonLiteral)" }.joined(separator: ",") + "}"
            let record = try store.createTrial(TrialRecord(
                sweepID: sweepID, family: family.config.name, number: number, paramsJSON: json,
                seed: sweep.trialSeed(family: familyIndex, number: number), status: .running, worker: worker,
                createdAt: now, startedAt: now))
            sweep.families[familyIndex].trialIDs[number] = record.id
            trial = LiveTrial(record: record, sweepID: sweepID, familyIndex: familyIndex, number: number)
        case .restart(let number), .promote(let number):
            guard let id = family.trialIDs[number], let existing = live[id] else { return }
            trial = existing
            if case .promote = work {
                // Resume from the pause checkpoint; a restart runs from scratch and its
                // re-reported epochs are not fed to the scheduler twice (see `fedEpoch`).
                checkpoint = sweep.families[familyIndex].paused.removeValue(forKey: number) ?? ""
                startEpoch = trial.record.lastEpoch
            }
            trial.pausing = false
            trial.record.status = .running
            trial.record.worker = worker
            trial.record.startedAt = trial.record.startedAt ?? now
            try store.updateTrial(trial.record)
        }
        sweep.families[familyIndex].running.insert(trial.number)
        live[trial.record.id] = trial
        workers[worker]?.running.insert(trial.record.id)
        var command: [String] = []
        if case .command(let argv) = family.config.kind { command = argv }
        let milestones = sweep.families[familyIndex].tuner.scheduler.milestones(for: trial.number)
        send(.assign(Assignment(
            trialID: UInt64(bitPattern: trial.record.id), sweepID: UInt64(bitPattern: sweepID),
            family: family.config.kind.typeName == "command" ? "command" : family.config.name, command: command,
            paramsJSON: trial.record.paramsJSON, seed: trial.record.seed, startEpoch: UInt32(startEpoch),
            maxEpochs: UInt32(sweep.families[familyIndex].maxEpochs),
            milestones: milestones.map { UInt32($0) }, dataURI: sweep.data.uri, dataVersion: sweep.data.version,
            checkpointURI: checkpoint)), to: worker)
    }

    // MARK: - Reports and decisions

    func handleReport(_ report: EpochReport, from worker: String) throws {
        let id = Int64(bitPattern: report.trialID)
        guard var trial = live[id], trial.record.worker == worker, trial.record.status == .running else {
            // A trial that was stopped, cancelled or moved elsewhere: a worker waiting at a
            // milestone for it (e.g. after a head restart) is told to stop.
            if report.atMilestone { send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .stop)), to: worker) }
            return
        }
        let epoch = Int(report.epoch)
        var metrics: [String: Double] = [:]
        for m in report.metrics { metrics[m.name] = m.value }
        pendingEpochs.append(EpochRecord(trialID: id, epoch: epoch, seconds: report.seconds, metrics: metrics))
        guard epoch > trial.fedEpoch else {
            // A re-sent milestone report (the worker reconnected) or a restarted trial
            // re-reporting epochs the scheduler has already seen: repeat the decision.
            if report.atMilestone {
                let verdict = trial.lastDecision.flatMap { $0.epoch == report.epoch ? $0.verdict : nil } ?? .continue
                send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: verdict)), to: worker)
            }
            return
        }
        guard var sweep = sweeps.removeValue(forKey: trial.sweepID) else { return }
        defer { sweeps[trial.sweepID] = sweep }
        let value = metrics[sweep.config.metric.name] ?? .nan
        trial.fedEpoch = epoch
        trial.record.lastEpoch = epoch
        let decision = sweep.families[trial.familyIndex].tuner.report(trial: trial.number, epoch: epoch, value: value)
        sweep.families[trial.familyIndex].exhausted = false
        switch decision {
        case .continue:
            if report.atMilestone { send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .continue)), to: worker) }
        case .complete:
            // The worker sends `done` with test metrics and the model after the last epoch.
            if report.atMilestone { send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .continue)), to: worker) }
        case .stop:
            if report.atMilestone {
                send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .stop)), to: worker)
            } else {
                send(.cancel(trialID: report.trialID), to: worker)
            }
            sweep.families[trial.familyIndex].running.remove(trial.number)
            workers[worker]?.running.remove(id)
            trial.record.status = .stopped
            trial.record.reason = "stopped by \(sweep.config.scheduler.type.rawValue) at epoch \(epoch)"
            trial.record.finishedAt = Date()
            try store.updateTrial(trial.record)
            live[id] = nil
            return
        case .pause:
            send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .pause)), to: worker)
            trial.pausing = true
        }
        if report.atMilestone { trial.lastDecision = (report.epoch, trial.pausing ? .pause : .continue) }
        // The trial row's last_epoch follows every report (leaderboards and the cluster
        // tests read it); the write joins this loop pass's one transaction.
        try store.updateTrial(trial.record)
        live[id] = trial
    }

    func handleDone(_ done: TrialDone, from worker: String) throws {
        let id = Int64(bitPattern: done.trialID)
        guard var trial = live[id], trial.record.worker == worker else { return }
        guard var sweep = sweeps.removeValue(forKey: trial.sweepID) else { return }
        defer { sweeps[trial.sweepID] = sweep }
        workers[worker]?.running.remove(id)
        sweep.families[trial.familyIndex].running.remove(trial.number)
        sweep.families[trial.familyIndex].exhausted = false
        var metrics: [String: Double] = [:]
        for m in done.metrics { metrics[m.name] = m.value }
        if trial.pausing {
            trial.record.status = .paused
            trial.record.checkpointURI = done.checkpointURI
            trial.record.lastEpoch = Int(done.epoch)
            sweep.families[trial.familyIndex].paused[trial.number] = done.checkpointURI
            try store.updateTrial(trial.record)
            live[id] = trial
        } else {
            let epoch = Int(done.epoch)
            if epoch > trial.fedEpoch {
                // The last epoch's report was lost (e.g. received by a head that was killed
                // before it committed): `done` carries that epoch's validation metrics, so
                // record them and let the tuner see the trial's final value.
                let validation = metrics.filter { $0.key.hasPrefix("val_") }
                pendingEpochs.append(EpochRecord(trialID: id, epoch: epoch, seconds: .nan, metrics: validation))
                _ = sweep.families[trial.familyIndex].tuner.report(trial: trial.number, epoch: epoch,
                                                                   value: metrics[sweep.config.metric.name] ?? .nan)
                trial.fedEpoch = epoch
            }
            trial.record.status = .finished
            trial.record.checkpointURI = done.checkpointURI
            trial.record.lastEpoch = Int(done.epoch)
            trial.record.finalMetrics = metrics
            trial.record.finishedAt = Date()
            try store.updateTrial(trial.record)
            live[id] = nil
            let metric = sweep.config.metric.name
            if logFinishedTrials { log("trial \(id) (\(trial.record.family) #\(trial.number)) finished: \(metric) \(String(format: "%.4f", metrics[metric] ?? .nan))") }
        }
    }

    func handleFailed(_ failed: TrialFailed, from worker: String) throws {
        let id = Int64(bitPattern: failed.trialID)
        guard let trial = live[id], trial.record.worker == worker else { return }
        workers[worker]?.running.remove(id)
        try requeue(id, reason: failed.reason)
    }

    // MARK: - Retries

    /// Runs a trial again (from its checkpoint when paused) unless it used up its retries,
    /// in which case it fails with `reason`.
    func requeue(_ id: Int64, reason: String) throws {
        guard var trial = live[id], var sweep = sweeps.removeValue(forKey: trial.sweepID) else { return }
        defer { sweeps[trial.sweepID] = sweep }
        if let w = trial.record.worker { workers[w]?.running.remove(id) }
        sweep.families[trial.familyIndex].running.remove(trial.number)
        sweep.families[trial.familyIndex].exhausted = false
        if trial.record.retries >= options.retryLimit || sweep.cancelled {
            trial.record.status = sweep.cancelled ? .cancelled : .failed
            trial.record.reason = sweep.cancelled ? "sweep cancelled" : reason
            trial.record.finishedAt = Date()
            sweep.families[trial.familyIndex].tuner.trialFailed(trial.number)
            try store.updateTrial(trial.record)
            live[id] = nil
            log("trial \(id) (\(trial.record.family) #\(trial.number)) failed: \(reason)")
        } else {
            trial.record.retries += 1
            trial.record.status = .pending
            trial.record.reason = reason
            trial.record.worker = nil
            try store.updateTrial(trial.record)
            live[id] = trial
            sweep.families[trial.familyIndex].restartQueue.append(trial.number)
            log("trial \(id) (\(trial.record.family) #\(trial.number)) will run again (retry \(trial.record.retries) of \(options.retryLimit)): \(reason)")
        }
    }

    /// Re-attaches a trial a (re)connecting worker still runs; false if the head does not expect it.
    func reattach(_ id: Int64, to worker: String) throws -> Bool {
        guard var trial = live[id], var sweep = sweeps[trial.sweepID], !sweep.cancelled else { return false }
        if trial.record.status == .running && trial.record.worker == worker { return true }
        guard trial.record.status == .pending,
              let q = sweep.families[trial.familyIndex].restartQueue.firstIndex(of: trial.number) else { return false }
        sweep.families[trial.familyIndex].restartQueue.remove(at: q)
        sweep.families[trial.familyIndex].running.insert(trial.number)
        trial.record.status = .running
        trial.record.worker = worker
        try store.updateTrial(trial.record)
        live[id] = trial
        sweeps[trial.sweepID] = sweep
        return true
    }
}
