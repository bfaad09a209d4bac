import Foundation
import RungStore
import RungWire
import XCTest
import RungCore

/// Faults injected into a real cluster (docs/testing.md, "Fault injection"): lossy and slow
/// links, a partitioned worker, a head killed between receiving results and committing
/// them, and a store whose disk fills up mid-sweep. In each the sweep finishes, every trial
/// has every epoch exactly once, and no trial runs twice unless a retry on record says why.
/// Each test prints one `FAULT` line with its figures (docs/benchmarks.md keeps them).
final class FaultInjectionTests: ClusterTestCase {
    /// The figures of a finished sweep: its wall time, trials retried, workers declared lost.
    private func figures(_ name: String, sweep: SweepRecord, trials: [TrialRecord], cluster: NamespaceCluster,
                         extra: String = "") {
        let wall = (sweep.finishedAt ?? Date()).timeIntervalSince(sweep.createdAt)
        let retried = trials.filter { $0.retries > 0 }
        let lost = cluster.log("head").components(separatedBy: " lost").count - 1
        print("FAULT \(name): sweep \(String(format: "%.1f", wall)) s, \(trials.count) trials, "
              + "\(retried.count) retried (\(retried.map(\.retries).reduce(0, +)) retries), "
              + "\(lost) worker-lost event(s)" + (extra.isEmpty ? "" : ", " + extra))
    }

    /// Submits the test sweep (xgboost epochs of `rounds` rounds) and returns its id.
    private func submit(_ cluster: NamespaceCluster, name: String, rounds: Int = 10) throws -> Int64 {
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        return try client.submit(yaml: try sweepYAML(name: name, xgboostRounds: rounds),
                                 path: cluster.root.appendingPathComponent("\(name).yaml").path)
    }

    func testFivePercentLossAndAHundredMillisecondsOfDelayOnEveryWorkerLink() throws {
        let cluster = try NamespaceCluster(self, workers: 2)
        try cluster.startHead()
        // Workers reach the head through a proxy on the bridge that holds every chunk 100 ms
        // each way, and their hosts drop 5 % of the packets they send and receive.
        let proxyPort = cluster.port + 1
        try cluster.startHelper("delay-proxy", "/usr/bin/python3", [
            NamespaceCluster.scripts.appendingPathComponent("delay-proxy.py").path,
            "\(cluster.subnet).254:\(proxyPort)", "\(cluster.subnet).1:\(cluster.port)", "100", "170"])
        try waitUntil("the delay proxy listens", timeout: 10, cluster) { cluster.log("delay-proxy").contains("delay-proxy:") }
        for w in ["w1", "w2"] {
            try cluster.fault("loss", w, "5")
            try cluster.startWorker(w, on: w, head: "tcp://\(cluster.subnet).254:\(proxyPort)")
        }
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(2, client, cluster, timeout: 40)
        let id = try submit(cluster, name: "lossy-links")
        let sweep = try waitForSweep(id, cluster, timeout: 150)
        let trials = try assertEveryTrialAccountedFor(id, cluster)
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2"])
        figures("loss 5 % + delay 100 ms", sweep: sweep, trials: trials, cluster: cluster)
    }

    func testAWorkerPartitionedForTenSecondsComesBackAndNothingIsLostOrCountedTwice() throws {
        let cluster = try NamespaceCluster(self, workers: 2)
        try cluster.startHead()
        try cluster.startWorker("w1", on: "w1")
        try cluster.startWorker("w2", on: "w2")
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(2, client, cluster)
        let id = try submit(cluster, name: "partition", rounds: 30)
        try waitUntil("w1 is inside a trial", timeout: 60, cluster) {
            try withStore(cluster) { store in
                try store.trials(sweepID: id).contains { $0.status == .running && $0.worker == "w1" && $0.lastEpoch >= 1 }
            }
        }
        try cluster.fault("partition", "w1")
        let cut = Date()
        try waitUntil("the head declares w1 lost", timeout: 15, cluster) { cluster.log("head").contains("worker w1 lost") }
        // The partition lasts 10 s in all: a fault's duration, not a wait for a condition.
        usleep(useconds_t(max(0, 10 - Date().timeIntervalSince(cut)) * 1_000_000))
        try cluster.fault("heal", "w1")
        try waitUntil("w1 is back", timeout: 30, cluster) { try client.workerNames().contains("w1") }
        let sweep = try waitForSweep(id, cluster, timeout: 120)
        let trials = try assertEveryTrialAccountedFor(id, cluster)
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2"])
        XCTAssertTrue(trials.contains { $0.retries > 0 }, "the trial w1 was running ran again, with a retry on record")
        figures("worker partitioned 10 s", sweep: sweep, trials: trials, cluster: cluster)
    }

    func testAHeadKilledBetweenReceivingResultsAndCommittingThemGetsThemAgain() throws {
        let cluster = try NamespaceCluster(self, workers: 2)
        // The head kills itself on its 12th pass with trial messages, after reading them and
        // before committing them: what the workers sent in that pass is in no store.
        try cluster.startHead(environment: ["RUNG_FAILPOINT": "kill-before-commit:12"])
        try cluster.startWorker("w1", on: "w1")
        try cluster.startWorker("w2", on: "w2")
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(2, client, cluster)
        let id = try submit(cluster, name: "kill-before-commit")
        let first = try XCTUnwrap(cluster.processes["head"])
        try waitUntil("the failpoint kills the head", timeout: 60, cluster) { !first.isRunning }
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        XCTAssertTrue(cluster.log("head").contains("failpoint kill-before-commit:12"))
        try cluster.startHead(label: "head-restarted")
        let sweep = try waitForSweep(id, cluster, timeout: 120)
        let trials = try assertEveryTrialAccountedFor(id, cluster)
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2"], exactlyOnce: true)
        XCTAssertTrue(cluster.log("w1").contains("unacknowledged") || cluster.log("w2").contains("unacknowledged"),
                      "a worker sent its unacknowledged messages again:\n\(cluster.allLogs())")
        figures("head killed before a commit", sweep: sweep, trials: trials, cluster: cluster)
    }

    func testTheStoresDiskFillsUpMidSweepAndTheHeadWaitsInsteadOfLosingResults() throws {
        let cluster = try NamespaceCluster(self, workers: 2)
        // The store on a small file system of its own, which the test fills up.
        let disk = cluster.root.appendingPathComponent("store-disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        try shell("mount -t tmpfs -o size=16m rung-test-store '\(disk.path)'")
        addTeardownBlock { [self] in try? shell("umount -l '\(disk.path)'") }
        cluster.storeURL = "sqlite:" + disk.appendingPathComponent("rung.db").path
        try cluster.startHead()
        try cluster.startWorker("w1", on: "w1")
        try cluster.startWorker("w2", on: "w2")
        let client = try HeadControlClient.cluster(cluster.headEndpoint)
        try waitForWorkers(2, client, cluster)
        let id = try submit(cluster, name: "disk-full", rounds: 20)
        try waitUntil("some trial ended", timeout: 60, cluster) {
            try withStore(cluster) { try $0.trials(sweepID: id).contains { $0.status.isTerminal } }
        }
        // Fill the disk: one file takes every free byte.
        let filler = disk.appendingPathComponent("filler")
        try shell("dd if=/dev/zero of='\(filler.path)' bs=64k 2>/dev/null; test -s '\(filler.path)'")
        try waitUntil("the head says the store cannot commit", timeout: 30, cluster) {
            cluster.log("head").contains("cannot commit")
        }
        let full = Date()
        let status = try client.send(HeadStatusRequest())
        XCTAssertNotNil(status.storeProblem, "status says why nothing is acknowledged")
        XCTAssertTrue(cluster.processes["head"]?.isRunning ?? false, "the head waits for its store instead of exiting")
        // The disk stays full 5 s (a fault's duration), then space comes back.
        usleep(5_000_000)
        try FileManager.default.removeItem(at: filler)
        try waitUntil("the head says the store is back", timeout: 30, cluster) { cluster.log("head").contains("is back") }
        let stalled = Date().timeIntervalSince(full)
        let sweep = try waitForSweep(id, cluster, timeout: 120)
        let trials = try assertEveryTrialAccountedFor(id, cluster)
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2"], exactlyOnce: true)
        XCTAssertTrue(cluster.processes["head"]?.isRunning ?? false, "the same head finished the sweep")
        try shell("test \"$(sqlite3 '\(disk.appendingPathComponent("rung.db").path)' 'PRAGMA integrity_check')\" = ok")
        figures("store disk full", sweep: sweep, trials: trials, cluster: cluster,
                extra: String(format: "store unavailable %.1f s", stalled))
    }

    /// Runs a shell command to completion; a non-zero status is an error with its output.
    private func shell(_ command: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ClientError("`\(command)` failed (\(p.terminationStatus)): \(String(decoding: output, as: UTF8.self))")
        }
    }
}
