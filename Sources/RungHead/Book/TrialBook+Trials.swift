import Foundation
import RungCore
import RungStore
import RungWire

/// Trials: handing work to free slots, reports and decisions, ends, retries, re-attachment.
extension TrialBook {
    // MARK: - Filling slots

    /// Gives every free slot work, round-robin over sweeps and their families.
    mutating func fillSlots(now: Date) {
        guard !sweepOrder.isEmpty else { return }
        for name in workers.names {
            while let worker = workers[name], worker.freeSlots > 0 {
                guard let (sweepID, family, work) = nextWork(for: worker, now: now) else { break }
                assign(work, sweepID: sweepID, familyIndex: family, to: name, now: now)
            }
        }
    }

    /// Round-robin over running sweeps so several sweeps share the workers fairly.
    private mutating func nextWork(for worker: WorkerEntry, now: Date) -> (Int64, Int, FamilyRuntime.Work)? {
        let active = sweepOrder.filter { sweeps[$0].map { !$0.isDone } ?? false }
        guard !active.isEmpty else { return nil }
        for offset in 0..<active.count {
            let sweepID = active[(nextSweep + offset) % active.count]
            let canRun: (FamilyConfig) -> Bool = { family in
                if case .command = family.kind { return worker.families.contains("command") }
                return worker.families.contains(family.name)
            }
            if let (family, work) = sweeps[sweepID]!.nextWork(allowRestarts: now >= holdRestartsUntil, canRun: canRun) {
                nextSweep = (nextSweep + offset + 1) % active.count
                return (sweepID, family, work)
            }
        }
        return nil
    }

    /// Starts `work` of family `familyIndex` of sweep `sweepID` on worker `worker`: a new
    /// trial (a new row), a restart from scratch, or a promotion from the pause checkpoint.
    mutating func assign(_ work: FamilyRuntime.Work, sweepID: Int64, familyIndex: Int, to worker: String, now: Date) {
        // Taken out of the dictionary while it changes, so its tables are not copied.
        guard var sweep = sweeps.removeValue(forKey: sweepID) else { return }
        defer { sweeps[sweepID] = sweep }
        // Only the config: a copy of the whole family would copy its trial table, which is
        // written below (a copy per new trial, growing with the sweep).
        let config = sweep.families[familyIndex].config
        let id: Int64
        var startEpoch = 0
        var checkpoint = ""
        switch work {
        case .start(let number, let params):
            var all = params
            for (k, v) in config.epoch where all[k] == nil { all[k] = v }
            let json = "{" + all.keys.sorted().map { "\(JSONText.quote($0)):\(all[$0]!.jsonLiteral)" }.joined(separator: ",") + "}"
            id = nextTrialID
            nextTrialID += 1
            let record = TrialRecord(id: id, sweepID: sweepID, family: config.name, number: number, paramsJSON: json,
                                     seed: sweep.trialSeed(family: familyIndex, number: number), status: .running,
                                     worker: worker, createdAt: now, startedAt: now,
                                     suggestionFit: sweep.families[familyIndex].tuner.suggestionFits[number])
            emit(.createTrial(record))
            sweep.families[familyIndex].trialIDs[number] = id
            live[id] = LiveTrial(record: record, sweepID: sweepID, familyIndex: familyIndex, number: number)
        case .restart(let number), .promote(let number):
            guard let existing = sweep.families[familyIndex].trialIDs[number], live[existing] != nil else { return }
            id = existing
            if case .promote = work {
                // Resume from the pause checkpoint; a restart runs from scratch and its
                // re-reported epochs are not fed to the scheduler twice (see `fedEpoch`).
                guard move(id, by: .promote, now: now) else { return }
                checkpoint = sweep.families[familyIndex].paused.removeValue(forKey: number) ?? ""
                startEpoch = live[id]!.record.lastEpoch
            } else {
                guard move(id, by: .restart, now: now) else { return }
            }
            live[id]!.pausing = false
            live[id]!.record.worker = worker
            live[id]!.record.startedAt = live[id]!.record.startedAt ?? now
            emit(.saveTrial(live[id]!.record))
        }
        let trial = live[id]!
        sweep.families[familyIndex].running.insert(trial.number)
        workers[worker]?.running.insert(id)
        var command: [String] = []
        if case .command(let argv) = config.kind { command = argv }
        let milestones = sweep.families[familyIndex].tuner.scheduler.milestones(for: trial.number)
        send(.assign(Assignment(
            trialID: UInt64(bitPattern: id), sweepID: UInt64(bitPattern: sweepID),
            family: config.kind.typeName == "command" ? "command" : config.name, command: command,
            paramsJSON: trial.record.paramsJSON, seed: trial.record.seed, startEpoch: UInt32(startEpoch),
            maxEpochs: UInt32(sweep.families[familyIndex].maxEpochs),
            milestones: milestones.map { UInt32($0) }, dataURI: sweep.data.uri, dataVersion: sweep.data.version,
            checkpointURI: checkpoint)), to: worker)
    }

    // MARK: - Reports and decisions

    /// One epoch's metrics: recorded, fed to the tuner once, and answered with a decision at
    /// a milestone (or a cancel when the scheduler stops the trial between milestones).
    mutating func report(_ report: EpochReport, from worker: String, now: Date) {
        let id = Int64(bitPattern: report.trialID)
        guard var trial = live[id], trial.record.worker == worker, trial.record.status == .running else {
            // A trial that was stopped, cancelled or moved elsewhere: a worker waiting at a
            // milestone for it (e.g. after a head restart) is told to stop.
            notOwned("epoch_report", trialID: id, from: worker)
            if report.atMilestone { send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .stop)), to: worker) }
            return
        }
        let epoch = Int(report.epoch)
        var metrics: [String: Double] = [:]
        for m in report.metrics { metrics[m.name] = m.value }
        emit(.recordEpoch(EpochRecord(trialID: id, epoch: epoch, seconds: report.seconds, metrics: metrics, recordedAt: now)))
        guard epoch > trial.fedEpoch else {
            // A re-sent milestone report (the worker reconnected) or a restarted trial
            // re-reporting epochs the scheduler has already seen: repeat the decision.
            if report.atMilestone {
                let verdict = trial.lastDecision.flatMap { $0.epoch == report.epoch ? $0.verdict : nil } ?? .continue
                send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: verdict)), to: worker)
            }
            return
        }
        guard let metricName = sweeps[trial.sweepID]?.config.metric.name else { return }
        guard let value = metrics[metricName] else {
            // A program that does not report the sweep's metric would run every trial to its
            // end unranked: its first report says so, and the trial fails at once.
            send(.cancel(trialID: report.trialID), to: worker)
            fail(id, reason: "its epoch \(epoch) report has no \(metricName) (it reported \(metrics.keys.sorted().joined(separator: ", ")));"
                 + " report \(metricName) from the program, or list what it reports under the family's metrics:", now: now)
            return
        }
        guard var sweep = sweeps.removeValue(forKey: trial.sweepID) else { return }
        defer { sweeps[trial.sweepID] = sweep }
        trial.fedEpoch = epoch
        trial.record.lastEpoch = epoch
        let decision = sweep.families[trial.familyIndex].tuner.report(trial: trial.number, epoch: epoch, value: value)
        sweep.families[trial.familyIndex].exhausted = false
        switch decision {
        case .continue, .complete:
            // After the last epoch the worker sends `done` with test metrics and the model.
            if report.atMilestone { send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .continue)), to: worker) }
        case .stop:
            if report.atMilestone {
                send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .stop)), to: worker)
            } else {
                send(.cancel(trialID: report.trialID), to: worker)
            }
            sweep.families[trial.familyIndex].running.remove(trial.number)
            workers[worker]?.running.remove(id)
            live[id] = trial
            move(id, by: .stop, now: now)
            live[id]!.record.reason = "stopped by \(sweep.config.scheduler.type.rawValue) at epoch \(epoch)"
            emit(.saveTrial(live[id]!.record))
            live[id] = nil
            return
        case .pause:
            send(.decision(Decision(trialID: report.trialID, epoch: report.epoch, verdict: .pause)), to: worker)
            trial.pausing = true
        }
        if report.atMilestone { trial.lastDecision = LiveTrial.LastDecision(epoch: report.epoch, verdict: trial.pausing ? .pause : .continue) }
        // The trial row's last_epoch follows every report (leaderboards and the cluster
        // tests read it); the write joins the loop pass's one transaction.
        emit(.saveTrial(trial.record))
        live[id] = trial
    }

    /// The worker finished a trial (or confirmed a pause with its checkpoint).
    mutating func done(_ done: TrialDone, from worker: String, now: Date) {
        let id = Int64(bitPattern: done.trialID)
        guard var trial = live[id], trial.record.worker == worker, trial.record.status == .running else {
            // A duplicate `done` (re-sent after a reconnect) or one for a trial that moved on.
            notOwned("done", trialID: id, from: worker)
            return
        }
        guard var sweep = sweeps.removeValue(forKey: trial.sweepID) else { return }
        defer { sweeps[trial.sweepID] = sweep }
        workers[worker]?.running.remove(id)
        sweep.families[trial.familyIndex].running.remove(trial.number)
        sweep.families[trial.familyIndex].exhausted = false
        var metrics: [String: Double] = [:]
        for m in done.metrics { metrics[m.name] = m.value }
        trial.record.checkpointURI = done.checkpointURI
        trial.record.lastEpoch = Int(done.epoch)
        if trial.pausing {
            sweep.families[trial.familyIndex].paused[trial.number] = done.checkpointURI
            live[id] = trial
            move(id, by: .pause, now: now)
            emit(.saveTrial(live[id]!.record))
            return
        }
        let epoch = Int(done.epoch)
        if epoch > trial.fedEpoch {
            // The last epoch's report was lost (e.g. received by a head that was killed
            // before it committed): `done` carries that epoch's validation metrics, so
            // record them and let the tuner see the trial's final value.
            let validation = metrics.filter { $0.key.hasPrefix("val_") }
            emit(.recordEpoch(EpochRecord(trialID: id, epoch: epoch, seconds: .nan, metrics: validation, recordedAt: now)))
            _ = sweep.families[trial.familyIndex].tuner.report(trial: trial.number, epoch: epoch,
                                                               value: metrics[sweep.config.metric.name] ?? .nan)
            trial.fedEpoch = epoch
        }
        trial.record.finalMetrics = metrics
        live[id] = trial
        move(id, by: .finish, now: now)
        emit(.saveTrial(live[id]!.record))
        live[id] = nil
        let metric = sweep.config.metric.name
        if logFinishedTrials {
            log("trial \(id) (\(trial.record.family) #\(trial.number)) finished: \(metric) \(String(format: "%.4f", metrics[metric] ?? .nan))",
                sweep: trial.sweepID, trial: id, worker: worker)
        }
    }

    /// The worker could not run a trial: it runs again, or fails once its retries are used up.
    mutating func failed(_ failed: TrialFailed, from worker: String, now: Date) {
        let id = Int64(bitPattern: failed.trialID)
        guard let trial = live[id], trial.record.worker == worker, trial.record.status == .running else {
            notOwned("failed", trialID: id, from: worker)
            return
        }
        workers[worker]?.running.remove(id)
        requeue(id, reason: failed.reason, now: now)
    }

    /// A message about a trial the worker does not run: repeats and messages racing a stop
    /// are normal and pass quietly; one about a trial another worker runs, or about a trial
    /// that never existed, is dropped with its reason (the shell rate-limits such lines).
    private mutating func notOwned(_ kind: String, trialID id: Int64, from worker: String) {
        guard let identity = identity(of: worker) else { return }
        if let other = live[id]?.record.worker, other != worker {
            emit(.dropped(reason: "\(kind) about trial \(id), which runs on worker \(other), not on \(worker)", from: identity))
        } else if id <= 0 || id >= nextTrialID {
            emit(.dropped(reason: "\(kind) about trial \(id), which does not exist", from: identity))
        }
    }

    /// Fails a running trial at once, without a retry: running it again would fail the same way.
    mutating func fail(_ id: Int64, reason: String, now: Date) {
        guard let trial = live[id], var sweep = sweeps.removeValue(forKey: trial.sweepID) else { return }
        defer { sweeps[trial.sweepID] = sweep }
        if let w = trial.record.worker { workers[w]?.running.remove(id) }
        sweep.families[trial.familyIndex].running.remove(trial.number)
        sweep.families[trial.familyIndex].exhausted = false
        guard move(id, by: .fail, now: now) else { return }
        live[id]!.record.reason = reason
        sweep.families[trial.familyIndex].tuner.trialFailed(trial.number)
        emit(.saveTrial(live[id]!.record))
        live[id] = nil
        log("trial \(id) (\(trial.record.family) #\(trial.number)) failed: \(reason)", sweep: trial.sweepID, trial: id, worker: trial.record.worker)
    }

    // MARK: - Retries

    /// Runs a trial again (from scratch) unless it used up its retries, in which case it
    /// fails with `reason`; in a cancelled sweep it is cancelled.
    mutating func requeue(_ id: Int64, reason: String, now: Date) {
        guard let trial = live[id], var sweep = sweeps.removeValue(forKey: trial.sweepID) else { return }
        defer { sweeps[trial.sweepID] = sweep }
        if let w = trial.record.worker { workers[w]?.running.remove(id) }
        sweep.families[trial.familyIndex].running.remove(trial.number)
        sweep.families[trial.familyIndex].exhausted = false
        if trial.record.retries >= settings.retryLimit || sweep.cancelled {
            guard move(id, by: sweep.cancelled ? .cancel : .fail, now: now) else { return }
            live[id]!.record.reason = sweep.cancelled ? "sweep cancelled" : reason
            sweep.families[trial.familyIndex].tuner.trialFailed(trial.number)
            emit(.saveTrial(live[id]!.record))
            live[id] = nil
            log("trial \(id) (\(trial.record.family) #\(trial.number)) failed: \(reason)", sweep: trial.sweepID, trial: id, worker: trial.record.worker)
        } else {
            guard move(id, by: .requeue, now: now) else { return }
            live[id]!.record.retries += 1
            live[id]!.record.reason = reason
            live[id]!.record.worker = nil
            live[id]!.pausing = false
            emit(.saveTrial(live[id]!.record))
            sweep.families[trial.familyIndex].restartQueue.append(trial.number)
            log("trial \(id) (\(trial.record.family) #\(trial.number)) will run again (retry \(live[id]!.record.retries) of \(settings.retryLimit)): \(reason)",
                sweep: trial.sweepID, trial: id, worker: trial.record.worker)
        }
    }

    /// Re-attaches a trial a (re)connecting worker still runs; false if the head does not
    /// expect it (the worker is then told to cancel it).
    mutating func reattach(_ id: Int64, to worker: String, now: Date) -> Bool {
        guard let trial = live[id], var sweep = sweeps[trial.sweepID], !sweep.cancelled else { return false }
        if trial.record.status == .running && trial.record.worker == worker { return true }
        guard trial.record.status == .pending,
              let q = sweep.families[trial.familyIndex].restartQueue.firstIndex(of: trial.number) else { return false }
        sweep.families[trial.familyIndex].restartQueue.remove(at: q)
        sweep.families[trial.familyIndex].running.insert(trial.number)
        sweeps[trial.sweepID] = sweep
        move(id, by: .reattach, now: now)
        live[id]!.record.worker = worker
        emit(.saveTrial(live[id]!.record))
        return true
    }
}
