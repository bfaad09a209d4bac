import Foundation
import RungWire
import RungWorker
import XCTest

/// Shared set-up: a prepared dataset, a fake head, and a worker joined to it.
class WorkerTestCase: XCTestCase {
    var fixture: PreparedFixture!
    var head: FakeHead!
    var running: RunningWorker?

    override func setUpWithError() throws {
        fixture = try PreparedFixture.make(self)
        head = try FakeHead()
    }

    override func tearDown() {
        running?.stopNow()
        running = nil
        head = nil
        super.tearDown()
    }

    /// Starts a worker on a background thread connected to the fake head.
    func startWorker(slots: Int = 1, helloIntervalMillis: Int = 2000, handlingSignals: Bool = false) throws -> RunningWorker {
        var options = WorkerOptions(headEndpoint: head.endpoint, name: "worker-under-test", slots: slots,
                                    cacheDirectory: fixture.cache)
        options.helloIntervalMillis = helloIntervalMillis
        options.commandStopGraceSeconds = 1
        let worker = try RunningWorker(options: options, handlingSignals: handlingSignals)
        running = worker
        return worker
    }

    /// Starts a worker, waits for its hello and welcomes it.
    func join(slots: Int = 1, heartbeatMillis: UInt32 = 100, lostAfterMillis: UInt32 = 3000,
              helloIntervalMillis: Int = 2000, handlingSignals: Bool = false) throws -> (RunningWorker, WorkerHello) {
        let worker = try startWorker(slots: slots, helloIntervalMillis: helloIntervalMillis, handlingSignals: handlingSignals)
        let hello = try head.expect("hello") { $0.hello }
        try head.send(.welcome(welcome(heartbeatMillis: heartbeatMillis, lostAfterMillis: lostAfterMillis)))
        return (worker, hello)
    }

    func welcome(heartbeatMillis: UInt32 = 100, lostAfterMillis: UInt32 = 3000) -> Welcome {
        Welcome(heartbeatMillis: heartbeatMillis, lostAfterMillis: lostAfterMillis, artifactsURI: fixture.artifacts.path)
    }

    /// An xgboost trial on the fixture's data.
    func assignment(_ trial: UInt64, params: String = #"{"max_depth": 3, "rounds": 4, "learning_rate": 0.3}"#,
                    maxEpochs: UInt32 = 3, milestones: [UInt32] = [], startEpoch: UInt32 = 0,
                    checkpointURI: String = "", family: String = "xgboost", command: [String] = [],
                    dataVersion: String? = nil) -> Assignment {
        Assignment(trialID: trial, sweepID: 1, family: family, command: command, paramsJSON: params, seed: 7,
                   startEpoch: startEpoch, maxEpochs: maxEpochs, milestones: milestones,
                   dataURI: fixture.data.path, dataVersion: dataVersion ?? fixture.dataVersion,
                   checkpointURI: checkpointURI)
    }

    /// Waits for the worker's `drain` and for `run()` to return; returns its summary.
    func expectDrainAndReturn(_ worker: RunningWorker, file: StaticString = #filePath, line: UInt = #line) throws -> WorkerSummary {
        _ = try head.expect("drain", file: file, line: line) { if case .drain = $0 { return true } else { return nil } }
        return try XCTUnwrap(try worker.wait(timeout: 5), "run() did not return after drain", file: file, line: line)
    }

    /// The local path of a file:// URI (or a plain path).
    func localPath(_ uri: String) -> String {
        if let url = URL(string: uri), url.isFileURL { return url.path }
        return uri
    }
}
