import Foundation
import RungCore
import RungStore
import RungWire

/// Sweeps: starting, cancelling, ending, and rebuilding them from the store after a restart.
extension TrialBook {
    /// Starts scheduling a submitted sweep (its rows are already in the store).
    mutating func add(_ sweep: SweepRuntime) {
        sweeps[sweep.id] = sweep
        sweepOrder.append(sweep.id)
    }

    /// Cancels a sweep: running trials are cancelled on their workers, nothing new starts.
    /// Nil when the sweep is not running.
    public mutating func cancel(sweepID: Int64, now: Date) -> [HeadEffect]? {
        guard sweeps[sweepID] != nil else { return nil }
        return transition { book in
            book.sweeps[sweepID]!.cancelled = true
            for id in book.live.keys.sorted() where book.live[id]!.sweepID == sweepID {
                let record = book.live[id]!.record
                if let worker = record.worker, record.status == .running {
                    book.send(.cancel(trialID: UInt64(bitPattern: id)), to: worker)
                    book.workers[worker]?.running.remove(id)
                }
                book.move(id, by: .cancel, now: now)
                book.live[id]!.record.reason = "sweep cancelled"
                book.emit(.saveTrial(book.live[id]!.record))
                book.live[id] = nil
            }
            for f in book.sweeps[sweepID]!.families.indices {
                book.sweeps[sweepID]!.families[f].running.removeAll()
                book.sweeps[sweepID]!.families[f].restartQueue.removeAll()
            }
        }
    }

    /// Ends every sweep with nothing left to do: paused trials that were never promoted end
    /// as stopped, and the shell is told to record the end and register the best models.
    mutating func endDoneSweeps(now: Date) {
        for sweepID in sweepOrder {
            guard let sweep = sweeps[sweepID], sweep.isDone else { continue }
            for id in live.keys.sorted() where live[id]!.sweepID == sweepID {
                move(id, by: sweep.cancelled ? .cancel : .endUnpromoted, now: now)
                live[id]!.record.reason = live[id]!.record.reason ?? "paused and not promoted before the sweep ended"
                emit(.saveTrial(live[id]!.record))
                live[id] = nil
            }
            sweeps[sweepID] = nil
            emit(.sweepEnded(SweepEnd(sweepID: sweepID, config: sweep.config, data: sweep.data, cancelled: sweep.cancelled)))
        }
    }

    /// Rebuilds a sweep that was running when the head stopped: its tuners replay the
    /// recorded trials and epoch results in the order they were recorded; trials that were
    /// running or queued wait for their worker to re-attach them, or run again once the
    /// restart hold ends. `trials` and `epochs` are every row of the sweep.
    mutating func restore(_ sweep: SweepRuntime, trials: [TrialRecord], epochs: [EpochRecord], now: Date) -> [HeadEffect] {
        transition { book in book.replay(sweep, trials: trials, epochs: epochs, now: now) }
    }

    private mutating func replay(_ runtime: SweepRuntime, trials unsorted: [TrialRecord], epochs unsortedEpochs: [EpochRecord], now: Date) {
        var sweep = runtime
        let trials = unsorted.sorted { $0.id < $1.id }
        let epochs = unsortedEpochs.sorted { ($0.recordedAt, $0.trialID, $0.epoch) < ($1.recordedAt, $1.trialID, $1.epoch) }
        var byID: [Int64: TrialRecord] = [:]
        for t in trials {
            nextTrialID = max(nextTrialID, t.id + 1)
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
            _ = sweep.families[f].tuner.report(trial: t.number, epoch: e.epoch, value: e.metrics[sweep.config.metric.name] ?? .nan)
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
                live[t.id] = LiveTrial(record: t, sweepID: sweep.id, familyIndex: f, number: t.number, fedEpoch: fed[t.id] ?? 0)
            case .running, .pending:
                live[t.id] = LiveTrial(record: t, sweepID: sweep.id, familyIndex: f, number: t.number, fedEpoch: fed[t.id] ?? 0)
                move(t.id, by: .recover, now: now)
                live[t.id]!.record.worker = nil
                emit(.saveTrial(live[t.id]!.record))
                sweep.families[f].restartQueue.append(t.number)
            }
        }
        add(sweep)
        let waiting = sweep.families.reduce(0) { $0 + $1.restartQueue.count }
        log("resumed sweep \(sweep.id) \(sweep.config.name): \(trials.count) trials on record, \(waiting) to re-attach or run again")
    }

    /// Holds recovered trials for their workers until `date`: no trial queued to run again
    /// starts before then, so a worker that comes back late re-attaches its trial instead of
    /// the trial running twice.
    public mutating func holdRestarts(until date: Date) {
        holdRestartsUntil = date
    }
}
