import Foundation
import RungCore
import RungStore
import RungWire

/// Control requests from CLI clients (`rung sweep submit`, `cancel`, `rung top`), as typed
/// JSON objects in `control` frames (RungWire's `ControlCodec`); every request gets exactly
/// one `control_reply`, a typed reply or a `ControlErrorReply`.
extension Head {
    /// Answers one control request; `key` is the name of the client's CURVE key, logged
    /// with requests that change something.
    func handleControl(_ json: String, key: String? = nil) -> String {
        do {
            let op = try ControlCodec.header(of: json).op
            if let problem = storeProblem, [.submit, .cancel, .drain].contains(op) {
                throw RungError.unavailable("the head cannot take `\(op.rawValue)` now: \(problem)")
            }
            switch op {
            case .submit:
                let request = try ControlCodec.decode(SubmitSweepRequest.self, from: json)
                let id = try submitInBackground(configYAML: request.config, configPath: request.path ?? "submitted config",
                                                dataOverride: request.data)
                if let key { log("sweep \(id) was submitted with key \(key)") }
                return ControlCodec.encode(reply: SweepIDReply(sweep: id))
            case .cancel:
                let id = try ControlCodec.decode(CancelSweepRequest.self, from: json).sweep
                guard try cancel(sweepID: id) else { throw RungError.badInput("sweep \(id) is not running") }
                if let key { log("sweep \(id) was cancelled with key \(key)") }
                return ControlCodec.encode(reply: SweepIDReply(sweep: id))
            case .status:
                _ = try ControlCodec.decode(HeadStatusRequest.self, from: json)
                return ControlCodec.encode(reply: status())
            case .top:
                let request = try ControlCodec.decode(TopSnapshotRequest.self, from: json)
                let sortName = request.sort ?? TopSort.metric.rawValue
                guard let sort = TopSort(rawValue: sortName) else {
                    throw RungError.badInput("top: unknown sort \(sortName); known: \(TopSort.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return ControlCodec.encode(reply: topSnapshot(sweep: request.sweep, family: request.family, sort: sort,
                                                              limit: request.limit ?? Self.topTrialLimit))
            case .sweep:
                let id = try ControlCodec.decode(SweepStateRequest.self, from: json).sweep
                guard let record = try store.sweep(id: id) else { throw RungError.badInput("there is no sweep \(id)") }
                return ControlCodec.encode(reply: SweepStateReply(sweep: id, name: record.name, status: record.status.rawValue,
                                                                  message: record.message ?? "", progress: sweepProgress(id)))
            case .drain:
                let name = try ControlCodec.decode(DrainWorkerRequest.self, from: json).worker
                guard drain(worker: name) else { throw RungError.badInput("no worker named \(name)") }
                if let key { log("worker \(name) asked to drain with key \(key)") }
                return ControlCodec.encode(reply: ControlOK())
            case .workers:
                _ = try ControlCodec.decode(StoreWorkersRequest.self, from: json)
                return ControlCodec.encode(reply: StoreWorkers(store: store.location, workers: try store.workers()))
            case .records:
                return try records(ControlCodec.decode(SweepRecordsRequest.self, from: json))
            }
        } catch let error as RungError {
            return ControlCodec.encode(error: error)
        } catch {
            // Errors that are not RungErrors were sent without a kind before, which clients read as badInput.
            return ControlCodec.encode(error: RungError.badInput("\(error)"))
        }
    }

    /// A snapshot of the head (the `status` control reply): the running sweeps, the
    /// connected workers and the head's counters.
    public func status() -> HeadStatus {
        let now = clock.now()
        let running: [HeadStatus.Sweep] = runningSweeps.compactMap { id in
            guard let s = sweeps[id] else { return nil }
            return HeadStatus.Sweep(id: id, name: s.config.name, families: s.families.map { f in
                HeadStatus.Family(name: f.config.name, started: f.tuner.started, budget: f.config.trials,
                                  running: f.running.count, queued: f.restartQueue.count, paused: f.paused.count)
            })
        }
        let connected: [HeadStatus.Worker] = workers.names.compactMap { name in
            guard let w = workers[name] else { return nil }
            return HeadStatus.Worker(name: name, host: w.host, slots: w.slots, busy: w.running.count, draining: w.draining,
                                     lastHeardMs: Int(now.timeIntervalSince(w.lastHeard) * 1000), key: w.key)
        }
        return HeadStatus(sweeps: running, workers: connected, droppedFrames: droppedFrames, refusedHandshakes: zap?.refused,
                          storeProblem: storeProblem)
    }

    /// The `records` reply: the sweeps asked for and, with details, their studies, trials and
    /// epoch results, as the store holds them; refused when it would not fit one frame.
    private func records(_ request: SweepRecordsRequest) throws -> String {
        let sweeps: [SweepRecord]
        if let id = request.sweep {
            guard let sweep = try store.sweep(id: id) else { throw RungError.badInput("there is no sweep \(id)") }
            sweeps = [sweep]
        } else {
            sweeps = try store.sweeps()
        }
        var reply = SweepRecords(store: store.location, sweeps: sweeps)
        if request.details {
            for sweep in sweeps {
                reply.studies += try store.studies(sweepID: sweep.id)
                reply.trials += try store.trials(sweepID: sweep.id)
                reply.epochs += try store.epochs(sweepID: sweep.id, family: nil)
            }
            reply.modelVersions = try store.modelVersions(family: nil).sorted { ($0.family, $0.version) < ($1.family, $1.version) }
        }
        let text = ControlCodec.encode(reply: reply)
        let limit = WireFormat.maxFrameBytes - 1024
        guard text.utf8.count <= limit else {
            let what = request.sweep.map { "sweep \($0)" } ?? "every sweep"
            throw RungError.badInput("the records of \(what) take \(text.utf8.count) bytes, more than one control reply holds (\(limit))"
                                     + (request.sweep == nil ? "; name one sweep" : "; read the store directly with --db"))
        }
        return text
    }
}
