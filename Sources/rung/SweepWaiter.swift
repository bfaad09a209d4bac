import Foundation
import RungCore

/// `rung sweep submit --wait`: polls a head until a sweep ends, showing its progress on
/// stderr, prints how it ended on stdout, and returns the exit status for it.
///
/// The head's `sweep` reply gives the status. When it also carries progress (`trials`: a
/// count per trial status, `budget`, `metric`, `best`: family → value, `workers`), that is
/// shown; otherwise the progress comes from the head's `status` reply (trials started,
/// running, queued and paused per family), without the best so far.
struct SweepWaiter {
    /// The head's endpoint.
    var endpoint: String
    /// The CURVE key directory the client authenticates with (nil: `$RUNG_KEYS` or none).
    var keys: String?
    /// The sweep to wait for.
    var sweepID: Int64
    /// Print one JSON document at the end and no progress.
    var json: Bool
    /// How long the head may stay silent before the wait gives up (exit 69).
    var patience: TimeInterval = 60

    /// Waits for the sweep to end (or a stop signal) and returns the exit status.
    func wait() throws -> SweepExit {
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
            let state: [String: Any]
            do {
                state = try client.request(["op": "sweep", "sweep": sweepID])
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
            let status = state["status"] as? String ?? "?"
            if ["finished", "cancelled", "failed"].contains(status) {
                progress.finishLine()
                let counts = state["trials"] as? [String: Any]
                let failed = counts.flatMap { Self.int($0["failed"]) }
                let outcome = SweepExit.forSweep(status: status, failedTrials: failed)
                try report(status: status, message: state["message"] as? String ?? "", counts: counts, outcome: outcome)
                return outcome
            }
            if !json, let snapshot = try? snapshot(from: state, client: client) { progress.show(snapshot) }
            let until = Date().addingTimeInterval(interval)
            while Date() < until && stop.received == 0 { Thread.sleep(forTimeInterval: 0.1) }
        }
    }

    /// Prints how the sweep ended: one line, or one JSON document.
    private func report(status: String, message: String, counts: [String: Any]?, outcome: SweepExit) throws {
        var trials: [String: Int] = [:]
        for (key, value) in counts ?? [:] { if let n = Self.int(value) { trials[key] = n } }
        if json {
            try Output.json(WaitResultJSON(sweep: sweepID, status: status, message: message,
                                           trials: counts == nil ? nil : trials, exitStatus: outcome.rawValue))
            return
        }
        var line = "sweep \(sweepID) \(status)"
        if let failed = trials["failed"], failed > 0 { line += " with \(failed) failed trial\(failed == 1 ? "" : "s")" }
        if !message.isEmpty { line += ": \(message)" }
        Output.line(line)
    }

    /// The progress in the head's replies (see the type's comment).
    private func snapshot(from state: [String: Any], client: HeadClient) throws -> ProgressSnapshot? {
        if let counts = state["trials"] as? [String: Any] {
            let n = { (key: String) in Self.int(counts[key]) ?? 0 }
            let ended = n("finished") + n("stopped") + n("failed") + n("cancelled")
            let all = counts.values.compactMap(Self.int).reduce(0, +)
            return ProgressSnapshot(sweepID: sweepID, total: max(Self.int(state["budget"]) ?? all, all), ended: ended,
                                    running: n("running"), failed: n("failed"), workers: Self.int(state["workers"]),
                                    metric: state["metric"] as? String, best: Self.best(state["best"]))
        }
        let status = try client.request(["op": "status"])
        guard let sweeps = status["sweeps"] as? [[String: Any]],
              let mine = sweeps.first(where: { Self.int($0["id"]).map(Int64.init) == sweepID }),
              let families = mine["families"] as? [[String: Any]] else { return nil }
        var total = 0, ended = 0, running = 0
        var best: [ProgressSnapshot.FamilyBest] = []
        for f in families {
            let n = { (key: String) in Self.int(f[key]) ?? 0 }
            total += n("budget")
            running += n("running")
            ended += max(0, n("started") - n("running") - n("queued") - n("paused"))
            if let name = f["name"] as? String, f.keys.contains("best") {
                best.append(.init(family: name, value: (f["best"] as? NSNumber)?.doubleValue))
            }
        }
        return ProgressSnapshot(sweepID: sweepID, total: total, ended: ended, running: running, failed: nil,
                                workers: (status["workers"] as? [Any])?.count, metric: mine["metric"] as? String, best: best)
    }

    /// `best` as a family → value object or a list of `{"family", "value"}` objects.
    private static func best(_ value: Any?) -> [ProgressSnapshot.FamilyBest] {
        if let list = value as? [[String: Any]] {
            return list.compactMap { item in (item["family"] as? String).map { .init(family: $0, value: (item["value"] as? NSNumber)?.doubleValue) } }
        }
        if let object = value as? [String: Any] {
            return object.keys.sorted().map { .init(family: $0, value: (object[$0] as? NSNumber)?.doubleValue) }
        }
        return []
    }

    private static func int(_ value: Any?) -> Int? {
        (value as? NSNumber).map { $0.intValue } ?? (value as? Int)
    }
}

/// `rung sweep submit --wait --json`: how the sweep ended.
struct WaitResultJSON: Encodable {
    var sweep: Int64
    var status: String
    var message: String
    /// Trials per status, when the head reports them.
    var trials: [String: Int]?
    var exitStatus: Int32

    enum CodingKeys: String, CodingKey {
        case sweep, status, message, trials
        case exitStatus = "exit_status"
    }
}
