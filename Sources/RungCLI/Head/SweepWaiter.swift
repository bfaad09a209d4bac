import Foundation
import RungCore
import RungWire

/// `rung sweep submit --wait`: polls a head until a sweep ends, showing its progress on
/// stderr, prints how it ended on stdout, and returns the exit status for it.
///
/// The head's `sweep` reply (`SweepStateReply`) gives the status. When it also carries
/// progress (trials per status, the budget, the metric, the best per family, the workers),
/// that is shown; otherwise the progress comes from the head's `status` reply (`HeadStatus`:
/// trials started, running, queued and paused per family), without the metric or the best so far.
public struct SweepWaiter {
    /// The head's endpoint.
    public var endpoint: String
    /// The CURVE key directory the client authenticates with (nil: `$RUNG_KEYS` or none).
    public var keys: String?
    /// The sweep to wait for.
    public var sweepID: Int64
    /// Print one JSON document at the end and no progress.
    public var json: Bool
    /// How long the head may stay silent before the wait gives up (exit 69).
    public var patience: TimeInterval = 60

    /// A waiter for sweep `sweepID` on the head at `endpoint`.
    public init(endpoint: String, keys: String?, sweepID: Int64, json: Bool, patience: TimeInterval = 60) {
        self.endpoint = endpoint
        self.keys = keys
        self.sweepID = sweepID
        self.json = json
        self.patience = patience
    }

    /// Waits for the sweep to end (or a stop signal) and returns the exit status.
    public func wait() throws -> SweepExit {
        let progress = SweepProgress(json: json, output: .standardError)
        let stop = StopSignal()
        let interval: TimeInterval = progress.isTerminal ? 1 : 5
        var client = try HeadClient(endpoint: endpoint, timeoutMillis: 10_000, keys: keys)
        var silentSince: Date?
        while true {
            if stop.received > 0 {
                progress.finishLine()
                Output.note("rung: stopped waiting; sweep \(sweepID) goes on on the head at \(endpoint) (`rung sweep cancel \(sweepID)` stops it)")
                return .interrupted
            }
            let state: SweepStateReply
            do {
                state = try client.send(SweepStateRequest(sweep: sweepID))
                silentSince = nil
            } catch let error as RungError where error.kind == .unavailable {
                let since = silentSince ?? Date()
                if silentSince == nil { progress.log("rung: no answer from the head at \(endpoint); still trying") }
                silentSince = since
                if Date().timeIntervalSince(since) >= patience {
                    progress.finishLine()
                    throw RungError.unavailable("lost the head at \(endpoint): no answer for \(Int(patience)) s while waiting for sweep \(sweepID) (the sweep may still be running; `rung sweep show \(sweepID)` tells)")
                }
                // A fresh socket, so that a late reply to the lost request cannot be taken for the next one.
                client = try HeadClient(endpoint: endpoint, timeoutMillis: 10_000, keys: keys)
                continue
            }
            if ["finished", "cancelled", "failed"].contains(state.status) {
                progress.finishLine()
                let counts = state.progress?.trials
                let outcome = SweepExit.forSweep(status: state.status, failedTrials: counts?["failed"])
                try report(status: state.status, message: state.message, counts: counts, outcome: outcome)
                return outcome
            }
            if !json, let snapshot = try? snapshot(from: state, client: client) { progress.show(snapshot) }
            let until = Date().addingTimeInterval(interval)
            while Date() < until && stop.received == 0 { Thread.sleep(forTimeInterval: 0.1) }
        }
    }

    /// Prints how the sweep ended: one line, or one JSON document.
    private func report(status: String, message: String, counts: [String: Int]?, outcome: SweepExit) throws {
        let trials = counts ?? [:]
        if json {
            try Output.json(WaitResultJSON(sweep: sweepID, status: status, message: message,
                                           trials: counts, exitStatus: outcome.rawValue))
            return
        }
        var line = "sweep \(sweepID) \(status)"
        if let failed = trials["failed"], failed > 0 { line += " with \(failed) failed trial\(failed == 1 ? "" : "s")" }
        if !message.isEmpty { line += ": \(message)" }
        Output.line(line)
    }

    /// The progress in the head's replies (see the type's comment).
    private func snapshot(from state: SweepStateReply, client: HeadClient) throws -> ProgressSnapshot? {
        if let p = state.progress {
            let n = { (key: String) in p.trials[key] ?? 0 }
            let ended = n("finished") + n("stopped") + n("failed") + n("cancelled")
            let all = p.trials.values.reduce(0, +)
            return ProgressSnapshot(sweepID: sweepID, total: max(p.budget, all), ended: ended, running: n("running"),
                                    failed: n("failed"), workers: p.workers, metric: p.metric,
                                    best: p.best.keys.sorted().map { .init(family: $0, value: p.best[$0] ?? nil) })
        }
        let status = try client.send(HeadStatusRequest())
        guard let mine = status.sweeps.first(where: { $0.id == sweepID }) else { return nil }
        var total = 0, ended = 0, running = 0
        for f in mine.families {
            total += f.budget
            running += f.running
            ended += max(0, f.started - f.running - f.queued - f.paused)
        }
        return ProgressSnapshot(sweepID: sweepID, total: total, ended: ended, running: running, failed: nil,
                                workers: status.workers.count, metric: nil, best: [])
    }
}

