import Foundation
@testable import RungHead
import RungStorage
import RungWire
import XCTest

/// The head's shell (decode → book → effects → store → send) over an in-memory transport
/// and a manual clock, on a real SQLite store: what needed sockets and wall time before.
final class HeadShellTests: XCTestCase {
    /// Plays a worker that finishes every assigned trial at once with a fixed metric.
    private func finishEverything(_ transport: InMemoryTransport, worker: String, value: Double, modelRoot: URL) throws {
        for message in transport.take(to: worker) {
            guard case .assign(let a) = message else { continue }
            let dir = modelRoot.appendingPathComponent("trials/\(a.trialID)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: dir.appendingPathComponent("model.json"))
            try Data("{}".utf8).write(to: dir.appendingPathComponent("preprocessor.json"))
            for epoch in 1...a.maxEpochs {
                transport.deliver(.epochReport(EpochReport(trialID: a.trialID, epoch: epoch, seconds: 0.01,
                                                           metrics: [WireMetric("val_auc", value + Double(a.trialID) / 1000)],
                                                           atMilestone: false)), from: worker)
            }
            transport.deliver(.done(TrialDone(trialID: a.trialID, epoch: a.maxEpochs,
                                              metrics: [WireMetric("val_auc", value + Double(a.trialID) / 1000),
                                                        WireMetric("test_auc", value)],
                                              checkpointURI: dir.path)), from: worker)
        }
    }

    func testASweepRunsToItsEndInVirtualTimeAndEveryRowIsInTheStore() throws {
        let fixture = try HeadFixture(self)
        let transport = InMemoryTransport()
        let clock = ManualClock()
        let head = try fixture.makeHead(transport: transport, clock: clock)
        let sweep = try head.submit(configYAML: fixture.config(trials: 3, scheduler: "fifo"), configPath: "t.yaml")
        transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 2, families: ["xgboost"])), from: "w1")
        var passes = 0
        while head.isRunning(sweepID: sweep) && passes < 50 {
            try head.runOnce(timeoutMillis: 0)
            try finishEverything(transport, worker: "w1", value: 0.7, modelRoot: fixture.artifacts)
            clock.advance(by: 0.05)
            passes += 1
        }
        XCTAssertFalse(head.isRunning(sweepID: sweep), "the sweep should end within 50 passes")
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        let trials = try store.trials(sweepID: sweep)
        XCTAssertEqual(trials.map(\.id), [1, 2, 3])
        XCTAssertEqual(Set(trials.map(\.status)), [.finished])
        XCTAssertEqual(try store.epochs(sweepID: sweep, family: nil).count, 3 * 4)
        let record = try XCTUnwrap(try store.sweep(id: sweep))
        XCTAssertEqual(record.status, .finished)
        // Times come from the head's clock: the sweep ended in the last pass, before the last advance.
        XCTAssertEqual(try XCTUnwrap(record.finishedAt).timeIntervalSince1970,
                       clock.now().timeIntervalSince1970 - 0.05, accuracy: 1e-3)
        XCTAssertTrue(record.message?.contains("xgboost v1 production (trial 3") ?? false, record.message ?? "")
    }

    func testARestartedHeadHoldsARunningTrialForItsWorkerWhoseHelloComesLate() throws {
        let fixture = try HeadFixture(self)
        let clock = ManualClock()
        var sweep: Int64 = 0
        do {
            let transport = InMemoryTransport()
            let head = try fixture.makeHead(transport: transport, clock: clock)
            sweep = try head.submit(configYAML: fixture.config(trials: 1, scheduler: "fifo"), configPath: "t.yaml")
            transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 1, families: ["xgboost"])), from: "w1")
            try head.runOnce(timeoutMillis: 0)
            XCTAssertEqual(transport.take(to: "w1").filter { if case .assign = $0 { return true } else { return false } }.count, 1)
        }
        // The head restarts; another worker is there at once, w1 only after 6 s of virtual time.
        let transport = InMemoryTransport()
        let head = try fixture.makeHead(transport: transport, clock: clock)
        transport.deliver(.hello(WorkerHello(name: "w2", host: "h", slots: 1, families: ["xgboost"])), from: "w2")
        for _ in 0..<60 {
            clock.advance(by: 0.1)
            transport.deliver(.heartbeat(Heartbeat()), from: "w2")
            try head.runOnce(timeoutMillis: 0)
        }
        XCTAssertFalse(transport.take(to: "w2").contains { if case .assign = $0 { return true } else { return false } },
                       "the recovered trial must wait for its own worker")
        transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 1, families: ["xgboost"], running: [1])), from: "w1")
        try head.runOnce(timeoutMillis: 0)
        XCTAssertFalse(transport.take(to: "w1").contains(.cancel(trialID: 1)))
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        XCTAssertEqual(try store.trial(id: 1)?.status, .running)
        XCTAssertEqual(try store.trial(id: 1)?.worker, "w1")
        // Long past the hold, the trial still runs once, on w1.
        for _ in 0..<200 {
            clock.advance(by: 0.1)
            transport.deliver(.heartbeat(Heartbeat()), from: "w1")
            transport.deliver(.heartbeat(Heartbeat()), from: "w2")
            try head.runOnce(timeoutMillis: 0)
        }
        XCTAssertFalse(transport.take(to: "w2").contains { if case .assign = $0 { return true } else { return false } })
        XCTAssertEqual(try store.trials(sweepID: sweep).count, 1)
    }
}
