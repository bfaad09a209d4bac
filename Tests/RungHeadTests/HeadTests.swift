import Foundation
@testable import RungHead
import RungStore
import RungWire
import XCTest

final class HeadTests: XCTestCase {
    private func pump(_ head: Head, _ workers: [FakeWorker], until done: () -> Bool, seconds: Double = 20) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !done() {
            XCTAssertLessThan(Date(), deadline, "timed out")
            if Date() >= deadline { return }
            try head.runOnce(timeoutMillis: 5)
            for w in workers { try w.step() }
        }
    }

    func testASweepRunsToTheEndAndRegistersTheBestModel() throws {
        let fixture = try HeadFixture(self)
        let head = try fixture.makeHead()
        let sweep = try head.submit(configYAML: fixture.config(trials: 6), configPath: "test.yaml")
        let context = try ZMQContext()
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", modelRoot: fixture.artifacts)
        try pump(head, [worker]) { !head.isRunning(sweepID: sweep) }

        XCTAssertTrue(worker.welcomed)
        XCTAssertEqual(worker.assignments.count, 6, "every trial of the budget was started once")
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        let trials = try store.trials(sweepID: sweep)
        XCTAssertEqual(trials.count, 6)
        XCTAssertTrue(trials.allSatisfy { $0.status == .finished || $0.status == .stopped }, "\(trials.map(\.status))")
        XCTAssertTrue(trials.contains { $0.status == .stopped }, "ASHA stopped someone")
        XCTAssertEqual(try store.sweep(id: sweep)?.status, .finished)
        // The registered version is the best finished trial by val_auc.
        let finished = trials.filter { $0.status == .finished }
        let best = finished.max { ($0.finalMetrics?["val_auc"] ?? 0) < ($1.finalMetrics?["val_auc"] ?? 0) }!
        let versions = try store.modelVersions(family: "xgboost")
        XCTAssertEqual(versions.count, 1)
        XCTAssertEqual(versions.first?.trialID, best.id)
        XCTAssertEqual(versions.first?.stage, .production)
        // Every reported epoch is in the store.
        let epochs = try store.epochs(sweepID: sweep, family: nil)
        XCTAssertEqual(epochs.count, trials.reduce(0) { $0 + $1.lastEpoch })
    }

    func testGarbageFramesAreCountedAndTheHeadKeepsServing() throws {
        let fixture = try HeadFixture(self)
        let head = try fixture.makeHead()
        let context = try ZMQContext()
        let vandal = try ZMQSocket(context: context, type: .dealer)
        try vandal.connect(head.endpoint)
        try vandal.send([Array("GET / HTTP/1.1\r\n\r\n".utf8)])
        try vandal.send([[0x52, 0x47, 1, 5, 1, 2]])                       // a truncated epoch report
        try vandal.send([[0x52, 0x47, 9, 1]])                             // a future protocol version
        try vandal.send([WireFormat.encode(.epochReport(EpochReport(trialID: 1, epoch: 1, seconds: 0, metrics: [], atMilestone: false)))])
        try vandal.send([[1], [2], [3]])                                 // three frames
        let sweep = try head.submit(configYAML: fixture.config(trials: 2, maxEpochs: 2, scheduler: "fifo"), configPath: "t.yaml")
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", modelRoot: fixture.artifacts)
        try pump(head, [worker]) { !head.isRunning(sweepID: sweep) }
        XCTAssertGreaterThanOrEqual(head.droppedFrames.values.reduce(0, +), 5, "\(head.droppedFrames)")
    }

    func testALostWorkersTrialsRunAgainElsewhere() throws {
        let fixture = try HeadFixture(self)
        let head = try fixture.makeHead(lostAfterMillis: 600)
        let sweep = try head.submit(configYAML: fixture.config(trials: 4, maxEpochs: 3, scheduler: "fifo"), configPath: "t.yaml")
        let context = try ZMQContext()
        let doomed = try FakeWorker(context: context, endpoint: head.endpoint, name: "doomed", slots: 2, modelRoot: fixture.artifacts)
        doomed.silent = true   // takes trials, never reports, stops heartbeating
        try pump(head, [doomed], until: { doomed.assignments.count == 2 })
        let survivor = try FakeWorker(context: context, endpoint: head.endpoint, name: "survivor", slots: 1, modelRoot: fixture.artifacts)
        try pump(head, [doomed, survivor]) { !head.isRunning(sweepID: sweep) }

        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        let trials = try store.trials(sweepID: sweep)
        XCTAssertEqual(trials.count, 4)
        XCTAssertTrue(trials.allSatisfy { $0.status == .finished }, "\(trials.map(\.status))")
        let rerun = Set(doomed.assignments.map(\.trialID))
        XCTAssertEqual(rerun.count, 2)
        for id in rerun {
            let t = try XCTUnwrap(trials.first { UInt64($0.id) == id })
            XCTAssertEqual(t.retries, 1)
            XCTAssertEqual(t.worker, "survivor")
        }
        XCTAssertEqual(try store.worker(name: "doomed")?.status, .lost)
    }

    func testCancelStopsRunningTrials() throws {
        let fixture = try HeadFixture(self)
        let head = try fixture.makeHead()
        let sweep = try head.submit(configYAML: fixture.config(trials: 6, maxEpochs: 4, scheduler: "fifo"), configPath: "t.yaml")
        let context = try ZMQContext()
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", modelRoot: fixture.artifacts)
        worker.silent = true
        try pump(head, [worker], until: { worker.assignments.count == 2 })
        XCTAssertTrue(try head.cancel(sweepID: sweep))
        try pump(head, [worker]) { !head.isRunning(sweepID: sweep) && worker.cancelled.count == 2 }
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        XCTAssertEqual(try store.sweep(id: sweep)?.status, .cancelled)
        XCTAssertTrue(try store.trials(sweepID: sweep).allSatisfy { $0.status == .cancelled })
    }

    func testARestartedHeadResumesTheSweepAndReattachesRunningTrials() throws {
        let fixture = try HeadFixture(self)
        var sweep: Int64 = 0
        var firstAssignments: [Assignment] = []
        do {
            let head = try fixture.makeHead()
            sweep = try head.submit(configYAML: fixture.config(trials: 5, maxEpochs: 3, scheduler: "fifo"), configPath: "t.yaml")
            let context = try ZMQContext()
            let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", slots: 1, modelRoot: fixture.artifacts)
            // Finish two trials, then "crash" while the third runs.
            try pump(head, [worker]) { worker.assignments.count == 3 }
            firstAssignments = worker.assignments
        }
        let head = try fixture.makeHead()
        XCTAssertTrue(head.isRunning(sweepID: sweep))
        let context = try ZMQContext()
        // The worker comes back still running the third trial: it is re-attached, not rerun.
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1b", slots: 1, modelRoot: fixture.artifacts)
        let running = firstAssignments.last!
        try worker.send(.hello(WorkerHello(name: "w1b", host: "test", slots: 1, families: ["xgboost"], running: [running.trialID])))
        try pump(head, [worker], until: { worker.welcomed })
        for epoch in UInt32(1)...3 {
            try worker.send(.epochReport(EpochReport(trialID: running.trialID, epoch: epoch, seconds: 0, metrics: [WireMetric("val_auc", 0.6)], atMilestone: false)))
        }
        let dir = fixture.artifacts.appendingPathComponent("trials/\(running.trialID)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: dir.appendingPathComponent("model.json"))
        try Data("{}".utf8).write(to: dir.appendingPathComponent("preprocessor.json"))
        try worker.send(.done(TrialDone(trialID: running.trialID, epoch: 3, metrics: [WireMetric("val_auc", 0.6)], checkpointURI: dir.path)))
        try pump(head, [worker]) { !head.isRunning(sweepID: sweep) }

        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        let trials = try store.trials(sweepID: sweep)
        XCTAssertEqual(trials.count, 5, "no trial lost, none created twice")
        XCTAssertTrue(trials.allSatisfy { $0.status == .finished }, "\(trials.map(\.status))")
        XCTAssertFalse(worker.assignments.contains { $0.trialID == running.trialID }, "the re-attached trial was not run again")
        let firstIDs = Set(firstAssignments.map(\.trialID))
        XCTAssertEqual(Set(worker.assignments.map(\.trialID)).intersection(firstIDs), [], "finished trials were not rerun")
    }

    func testARepeatedMilestoneReportGetsTheSameDecisionAgain() throws {
        let fixture = try HeadFixture(self)
        let head = try fixture.makeHead()
        let sweep = try head.submit(configYAML: fixture.config(trials: 8, maxEpochs: 4), configPath: "t.yaml")
        let context = try ZMQContext()
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", modelRoot: fixture.artifacts)
        try pump(head, [worker]) { !head.isRunning(sweepID: sweep) }
        let stop = try XCTUnwrap(worker.decisions.first { $0.verdict == .stop }, "ASHA stopped a trial")
        // The worker (say, after reconnecting) asks again about a milestone of a stopped trial.
        try worker.send(.epochReport(EpochReport(trialID: stop.trialID, epoch: stop.epoch, seconds: 0,
                                                 metrics: [WireMetric("val_auc", 0.5)], atMilestone: true)))
        let before = worker.decisions.count
        // (A decision still in flight from the end of the sweep may arrive first.)
        try pump(head, [worker], until: { worker.decisions[before...].contains { $0.trialID == stop.trialID } }, seconds: 5)
        XCTAssertEqual(worker.decisions[before...].first { $0.trialID == stop.trialID },
                       Decision(trialID: stop.trialID, epoch: stop.epoch, verdict: .stop))
    }

    func testTwoSweepsShareTheWorkersFairly() throws {
        let fixture = try HeadFixture(self)
        let head = try fixture.makeHead()
        let first = try head.submit(configYAML: fixture.config(trials: 6, maxEpochs: 2, scheduler: "fifo"), configPath: "a.yaml")
        let second = try head.submit(configYAML: fixture.config(trials: 6, maxEpochs: 2, scheduler: "fifo"), configPath: "b.yaml")
        let context = try ZMQContext()
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", slots: 2, modelRoot: fixture.artifacts)
        try pump(head, [worker]) { !head.isRunning(sweepID: first) && !head.isRunning(sweepID: second) }
        // Assignments alternate between the sweeps: in every prefix, neither is ahead by more than one.
        var counts: [UInt64: Int] = [:]
        for a in worker.assignments {
            counts[a.sweepID, default: 0] += 1
            let gap = abs(counts[UInt64(first), default: 0] - counts[UInt64(second), default: 0])
            XCTAssertLessThanOrEqual(gap, 1, "\(worker.assignments.map(\.sweepID))")
        }
        XCTAssertEqual(counts[UInt64(first)], 6)
        XCTAssertEqual(counts[UInt64(second)], 6)
    }
}
