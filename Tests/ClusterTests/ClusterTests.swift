import Foundation
import RungStore
import RungWire
import XCTest
import RungCore

/// A real cluster: `rung head` and `rung worker` processes on different "hosts" (network
/// namespaces), talking over TCP; sweeps submitted with control frames, results read from
/// the store. Each test builds and removes its own namespaces and takes at most ~90 s.
final class ClusterTests: ClusterTestCase {
    func testHeadAndThreeWorkersOnSeparateHostsFinishASweep() throws {
        let cluster = try NamespaceCluster(self, workers: 3)
        try cluster.startHead()
        for i in 1...3 { try cluster.startWorker("w\(i)", on: "w\(i)") }
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(3, client, cluster)
        // Submitted as an operator would: `rung sweep submit` from another host (w3).
        let config = cluster.root.appendingPathComponent("three-hosts.yaml")
        try sweepYAML(name: "three-hosts").write(to: config, atomically: true, encoding: .utf8)
        let submitted = try cluster.run(on: "w3", ["sweep", "submit", config.path, "--head", cluster.headEndpoint, "--json"])
        XCTAssertEqual(submitted.status, 0, "rung sweep submit: \(submitted.stderr)")
        let reply = try JSONSerialization.jsonObject(with: Data(submitted.stdout.utf8)) as? [String: Any]
        let id = try XCTUnwrap((reply?["sweep"] as? NSNumber)?.int64Value, "sweep id in \(submitted.stdout)")
        try waitForSweep(id, cluster, timeout: 75)

        let trials = try assertEveryTrialAccountedFor(id, cluster)
        XCTAssertEqual(Set(trials.compactMap(\.worker)), ["w1", "w2", "w3"], "every worker host ran trials")
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2", "w3"], exactlyOnce: true)
        // No worker was lost, so no trial should have needed a second run: a retry here means
        // the head gave a worker more trials than it has slots.
        for t in trials {
            XCTAssertEqual(t.retries, 0, "trial \(t.id) (\(t.family) #\(t.number)) was retried: \(t.reason ?? "")")
        }
        for t in trials where t.status == .finished {
            let auc = t.finalMetrics?["val_auc"] ?? .nan
            XCTAssertTrue(auc > 0.55 && auc < 0.8, "trial \(t.id) val_auc \(auc) is not a plausible readmission AUC")
            XCTAssertNotNil(t.finalMetrics?["test_auc"], "trial \(t.id) has test metrics")
        }
        let versions = try withStore(cluster) { try $0.modelVersions(family: nil) }
        XCTAssertEqual(Set(versions.map(\.family)), Set(Self.budgets.keys), "one registered model per family")
        for v in versions {
            XCTAssertEqual(v.sweepID, id)
            let dir = cluster.artifacts.appendingPathComponent("registry/\(v.family)/v\(v.version)")
            for file in ["model.json", "preprocessor.json", "metadata.json"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(dir.path)/\(file)")
            }
        }
    }

    func testKilledWorkerTrialIsRequeuedAndTheSweepFinishes() throws {
        let cluster = try NamespaceCluster(self, workers: 3)
        try cluster.startHead()
        try cluster.startWorker("w1", on: "w1")
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(1, client, cluster)
        // Slower xgboost epochs, so the kill lands inside a trial.
        let id = try client.submit(yaml: try sweepYAML(name: "lose-a-worker", xgboostRounds: 40),
                                   path: cluster.root.appendingPathComponent("sweep.yaml").path)
        var victim: TrialRecord?
        try waitUntil("w1 is inside a trial", timeout: 40, cluster) {
            victim = try withStore(cluster) { store in
                try store.trials(sweepID: id).first { $0.status == .running && $0.worker == "w1" && $0.lastEpoch >= 1 }
            }
            return victim != nil
        }
        cluster.kill9("w1")
        try cluster.startWorker("w2", on: "w2")
        try cluster.startWorker("w3", on: "w3")
        try waitForSweep(id, cluster, timeout: 75)

        let trials = try assertEveryTrialAccountedFor(id, cluster)
        let after = try XCTUnwrap(trials.first { $0.id == victim!.id })
        XCTAssertGreaterThanOrEqual(after.retries, 1, "trial \(after.id) was running on the killed worker and must have run again")
        XCTAssertNotEqual(after.worker, "w1")
        let w1 = try withStore(cluster) { try $0.worker(name: "w1") }
        XCTAssertEqual(w1?.status, .lost, "the killed worker is recorded as lost")
        XCTAssertTrue(cluster.log("head").contains("worker w1 lost"), "the head logged the loss")
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2", "w3"])
    }

    func testHeadKilledAndRestartedOnTheSameStoreLosesNoTrialAndRunsNoneTwice() throws {
        let cluster = try NamespaceCluster(self, workers: 3)
        try cluster.startHead()
        for i in 1...3 { try cluster.startWorker("w\(i)", on: "w\(i)") }
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(3, client, cluster)
        let id = try client.submit(yaml: try sweepYAML(name: "restart-the-head", xgboostRounds: 30),
                                   path: cluster.root.appendingPathComponent("sweep.yaml").path)
        // Kill the head when a trial has one epoch to go, so that its last report and `done`
        // are sent while the head is down, and restart it well within the workers' 1.5 s
        // patience: the workers' messages then reach the new head before their hello.
        try waitUntil("some trials ended and one is in its last epoch", timeout: 50, cluster) {
            try withStore(cluster) { store in
                let trials = try store.trials(sweepID: id)
                // Epoch results, not the trial row: the head may write the row only at milestones.
                let atEpoch3 = Set(try store.epochs(sweepID: id, family: nil).filter { $0.epoch == 3 }.map(\.trialID))
                return trials.contains { $0.status.isTerminal }
                    && trials.contains { $0.status == .running && atEpoch3.contains($0.id) }
            }
        }
        cluster.kill9("head")
        usleep(300_000)  // not a wait for a condition: the head stays down a while, as a crashed one would
        try cluster.startHead(label: "head-restarted")
        try waitForSweep(id, cluster, timeout: 80)

        let trials = try assertEveryTrialAccountedFor(id, cluster)
        XCTAssertTrue(cluster.log("head-restarted").contains("resumed sweep \(id)"))
        // Every trial ran on exactly one worker, exactly once: the running ones were re-attached,
        // the ones that ended while the head was down were not run again.
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2", "w3"], exactlyOnce: true)
        for t in trials {
            let runs = starts(cluster, workers: ["w1", "w2", "w3"])[t.id] ?? []
            XCTAssertEqual(runs.count, 1, "trial \(t.id) (\(t.family) #\(t.number)) started on \(runs)")
            if let only = runs.first { XCTAssertEqual(t.worker, only, "trial \(t.id) is recorded on the worker that ran it") }
        }
    }

    func testWorkerJoiningMidSweepGetsWorkAndADrainedWorkerLeavesCleanly() throws {
        let cluster = try NamespaceCluster(self, workers: 2)
        try cluster.startHead()
        let w1 = try cluster.startWorker("w1", on: "w1")
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(1, client, cluster)
        let id = try client.submit(yaml: try sweepYAML(name: "join-and-drain", xgboostRounds: 30),
                                   path: cluster.root.appendingPathComponent("sweep.yaml").path)
        try waitUntil("a trial ended on w1", timeout: 40, cluster) {
            try withStore(cluster) { try $0.trials(sweepID: id).contains { $0.status.isTerminal } }
        }
        try cluster.startWorker("w2", on: "w2")
        try waitUntil("w2 got a trial", timeout: 30, cluster) {
            try withStore(cluster) { try $0.trials(sweepID: id).contains { $0.worker == "w2" } }
        }
        let running = try withStore(cluster) { try $0.trials(sweepID: id).first { $0.status == .running && $0.worker == "w1" } }
        let reply = try client.send(DrainWorkerRequest(worker: "w1"))
        XCTAssertTrue(reply.ok, "drain reply: \(reply)")
        try waitUntil("w1 exited after the drain", timeout: 40, cluster) { !w1.isRunning }
        XCTAssertEqual(w1.terminationReason, .exit)
        XCTAssertEqual(w1.terminationStatus, 0, "a drained worker exits 0:\n\(cluster.log("w1"))")
        // The worker's last word, `drain`, reaches the head after the worker exits: wait for it.
        try waitUntil("the head recorded the drained worker as left", timeout: 10, cluster) {
            try withStore(cluster) { try $0.worker(name: "w1")?.status == .left }
        }
        XCTAssertFalse(try client.workerNames().contains("w1"))
        try waitForSweep(id, cluster, timeout: 75)
        let trials = try assertEveryTrialAccountedFor(id, cluster)
        // The trial w1 was running when asked to drain finished there, without a retry.
        if let running, let after = trials.first(where: { $0.id == running.id }) {
            XCTAssertEqual(after.worker, "w1", "trial \(after.id) was running on w1 when it drained")
            XCTAssertEqual(after.retries, running.retries, "a drain finishes running trials instead of requeueing them")
        }
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2"])
    }

    func testGarbageAndOversizedFramesDoNotStopTheHead() throws {
        let cluster = try NamespaceCluster(self, workers: 2)
        let head = try cluster.startHead()
        for i in 1...2 { try cluster.startWorker("w\(i)", on: "w\(i)") }
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(2, client, cluster)
        let id = try client.submit(yaml: try sweepYAML(name: "garbage"), path: cluster.root.appendingPathComponent("sweep.yaml").path)

        let host = "\(cluster.subnet).1"
        var rng = SystemRandomNumberGenerator()
        // Raw TCP: random bytes, an HTTP request, a ZMTP greeting announcing an absurd frame.
        try RawTCP.send(host: host, port: cluster.port, (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &rng) })
        try RawTCP.send(host: host, port: cluster.port, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        var greeting: [UInt8] = [0xFF] + [UInt8](repeating: 0, count: 8) + [0x7F, 3, 0] + Array("NULL".utf8)
        greeting += [UInt8](repeating: 0, count: 64 - greeting.count)
        try RawTCP.send(host: host, port: cluster.port, greeting + [0x06] + [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + [1, 2, 3])
        // ZeroMQ peers: a frame over the 1 MiB limit, bad magic, a truncated report, three frames,
        // a report from a peer that never said hello.
        let rogue = try RawDealer(endpoint: cluster.headEndpoint)
        try rogue.send([[UInt8](repeating: 0x52, count: (1 << 20) + 4096)])
        let junk = try RawDealer(endpoint: cluster.headEndpoint)
        try junk.send([Array("not a rung frame".utf8)])
        try junk.send([[0x52, 0x47, 1, 5, 1, 2, 3]])
        try junk.send([[0x52, 0x47, 1, 3, 0, 0, 0, 0], [1], [2]])
        try junk.send([[0x52, 0x47, 1, 3, 0, 0, 0, 0]])

        try waitForSweep(id, cluster, timeout: 75)
        XCTAssertTrue(head.isRunning, "the head is still running")
        _ = try assertEveryTrialAccountedFor(id, cluster)
        let status = try client.send(HeadStatusRequest())
        let dropped = status.droppedFrames.values.reduce(0, +)
        XCTAssertGreaterThanOrEqual(dropped, 4, "the head counted the bad frames it dropped: \(status)")
    }
}
