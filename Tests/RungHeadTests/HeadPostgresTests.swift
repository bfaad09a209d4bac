import Foundation
@testable import RungHead
@testable import RungStore
import RungWire
import XCTest

/// A head on the PostgreSQL store whose server restarts in the middle of a sweep.
final class HeadPostgresTests: XCTestCase {
    func testASweepSurvivesAServerRestartWithEveryTrialFinishedOnce() throws {
        let server = try PostgresTestServer.shared()
        let url = try server.createDatabase()
        let fixture = try HeadFixture(self)
        let logLock = NSLock()
        nonisolated(unsafe) var storeLog: [String] = []
        let store = try PostgresStore(url: url, options: .init(maxBackoffSeconds: 0.5, log: { line in
            logLock.withLock { storeLog.append(line) }
        }))
        let head = try Head(options: HeadOptions(listen: "tcp://127.0.0.1:*", heartbeatMillis: 100, lostAfterMillis: 15_000,
                                                 retryLimit: 2, artifacts: fixture.artifacts.path), store: store)
        head.log = { _ in }
        let trialCount = 8, maxEpochs = 4
        let sweep = try head.submit(configYAML: fixture.config(trials: trialCount, maxEpochs: maxEpochs, scheduler: "fifo"),
                                    configPath: "pg.yaml")
        let context = try ZMQContext()
        let worker = try FakeWorker(context: context, endpoint: head.endpoint, name: "w1", slots: 1, modelRoot: fixture.artifacts)

        let restarted = expectation(description: "server restarted")
        let restartErrors = NSLock()
        nonisolated(unsafe) var restartError: String?
        var restartStarted = false
        let deadline = Date().addingTimeInterval(40)
        while head.isRunning(sweepID: sweep) && Date() < deadline {
            try head.runOnce(timeoutMillis: 5)
            try worker.step()
            // Restart the server once a few trials have started, while the sweep runs on.
            if !restartStarted && worker.assignments.count >= 3 {
                restartStarted = true
                DispatchQueue.global().async {
                    do { try server.restart() } catch { restartErrors.withLock { restartError = "\(error)" } }
                    restarted.fulfill()
                }
            }
        }
        XCTAssertFalse(head.isRunning(sweepID: sweep), "the sweep finished in time")
        XCTAssertTrue(restartStarted)
        wait(for: [restarted], timeout: 30)
        XCTAssertNil(restartErrors.withLock { restartError })
        XCTAssertGreaterThanOrEqual(store.reconnections, 1, "the restart interrupted the head: \(logLock.withLock { storeLog })")

        let reader = try PostgresStore(url: url, readOnly: true)
        let trials = try reader.trials(sweepID: sweep)
        XCTAssertEqual(trials.count, trialCount, "every trial exists once")
        XCTAssertEqual(Set(trials.map(\.number)).count, trialCount)
        XCTAssertTrue(trials.allSatisfy { $0.status == .finished && $0.lastEpoch == maxEpochs }, "\(trials.map(\.status))")
        XCTAssertEqual(worker.assignments.count, trialCount, "each trial ran exactly once")
        XCTAssertEqual(Set(worker.assignments.map(\.trialID)).count, trialCount)
        for trial in trials {
            XCTAssertEqual(try reader.epochs(trialID: trial.id).map(\.epoch), Array(1...maxEpochs), "epochs of trial \(trial.id)")
        }
        XCTAssertEqual(try reader.sweep(id: sweep)?.status, .finished)
        XCTAssertEqual(try reader.modelVersions(family: "xgboost").count, 1)
    }
}
