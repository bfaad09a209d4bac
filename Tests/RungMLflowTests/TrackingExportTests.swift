import Foundation
import XCTest
import RungCore
import RungStore
@testable import RungMLflow

/// The tracking export against a real MLflow server (`MLflowTestServer`): runs, params,
/// metric histories and ends land once; repeated and restarted exports add nothing; an
/// outage in the middle of a sweep is caught up with nothing missing or doubled.
final class TrackingExportTests: XCTestCase {
    nonisolated(unsafe) static var shared: MLflowTestServer?

    /// One server for the test class (a first start takes long).
    func server() throws -> MLflowTestServer {
        if let server = Self.shared {
            if server.process == nil { try server.start() }
            return server
        }
        let server = try MLflowTestServer()
        Self.shared = server
        return server
    }

    override class func tearDown() {
        shared?.kill()
        shared = nil
        super.tearDown()
    }

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rung-export-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A sweep config with a `tracking:` section for `uri` and `experiment`.
    func config(uri: String, experiment: String) -> String {
        """
        name: export-test
        seed: 7
        data: {source: data.csv}
        metric: {name: val_auc, mode: max}
        tracking: {mlflow: "\(uri)", experiment: "\(experiment)"}
        families:
          xgboost:
            trials: 3
            space:
              max_depth: {type: int, low: 2, high: 8}
              eta: {type: loguniform, low: 0.01, high: 0.3}
        """
    }

    /// A store with one running sweep of three trials: the test writes their epochs and ends.
    func makeStore(uri: String, experiment: String) throws -> (SQLiteStore, SweepRecord, [TrialRecord]) {
        let store = try SQLiteStore(path: directory.appendingPathComponent("rung.db").path)
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        let sweep = try store.createSweep(SweepRecord(name: "export-test", configYAML: config(uri: uri, experiment: experiment), seed: 7,
                                                      status: .running, dataVersion: "data-abc", createdAt: start))
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 3))
        var trials: [TrialRecord] = []
        for number in 0..<3 {
            trials.append(try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: number,
                                                            paramsJSON: #"{"eta":0.1,"max_depth":\#(number + 3)}"#, seed: UInt64(100 + number),
                                                            status: .running, worker: "w1", createdAt: start, startedAt: start)))
        }
        return (store, sweep, trials)
    }

    func epoch(_ trial: TrialRecord, _ epoch: Int) -> EpochRecord {
        EpochRecord(trialID: trial.id, epoch: epoch, seconds: 0.5,
                    metrics: ["val_auc": 0.6 + Double(epoch) / 100 + Double(trial.number) / 1000, "val_logloss": 0.7 - Double(epoch) / 100],
                    recordedAt: Date(timeIntervalSince1970: 1_760_000_000 + Double(trial.number * 100 + epoch)))
    }

    /// Ends the trials: 0 finished at epoch 4, 1 stopped by ASHA at epoch 2, 2 failed; the sweep finished.
    func endSweep(_ store: SQLiteStore, _ sweep: SweepRecord, _ trials: [TrialRecord]) throws {
        let end = Date(timeIntervalSince1970: 1_760_000_500)
        var t = trials
        t[0].status = .finished; t[0].lastEpoch = 4; t[0].finishedAt = end
        t[1].status = .stopped; t[1].lastEpoch = 2; t[1].finishedAt = end
        t[2].status = .failed; t[2].lastEpoch = 1; t[2].reason = "worker w1: xgboost: out of memory"; t[2].finishedAt = end
        for trial in t { try store.updateTrial(trial) }
        var s = sweep
        s.status = .finished
        s.finishedAt = end
        try store.updateSweep(s)
    }

    /// Reads back, with the MLflow Python client, every run of `experiment`: per run name,
    /// its status, parent, tags of interest, params and each metric's (step, value) history.
    func readBack(_ server: MLflowTestServer, experiment: String) throws -> [String: [String: Any]] {
        let script = """
        import json, mlflow
        from mlflow.tracking import MlflowClient
        c = MlflowClient()
        e = c.get_experiment_by_name(\(JSONText.quote(experiment)))
        out = {}
        for r in c.search_runs([e.experiment_id], max_results=1000):
            hist = {k: [[m.step, m.value] for m in c.get_metric_history(r.info.run_id, k)] for k in r.data.metrics}
            out[r.info.run_name] = {"status": r.info.status, "tags": r.data.tags, "params": r.data.params, "history": hist,
                                    "run_id": r.info.run_id}
        print(json.dumps(out))
        """
        let text = try server.python(script)
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]] ?? [:]
    }

    func testASweepExportsAsParentAndNestedRunsOnceHoweverOftenItRuns() throws {
        let server = try server()
        let experiment = "export-once-\(UUID().uuidString.prefix(6))"
        let (store, sweep, trials) = try makeStore(uri: server.uri, experiment: experiment)
        defer { store.close() }
        _ = try store.recordEpochs((1...4).map { epoch(trials[0], $0) } + (1...2).map { epoch(trials[1], $0) } + [epoch(trials[2], 1)])
        try endSweep(store, sweep, trials)

        var saved: [TrackingMark] = []
        let exporter = try TrackingExporter(store: store, defaultTracking: nil, saveMarks: { saved += $0; try store.saveTrackingMarks($0) }, log: { print($0) })
        let first = try exporter.exportPass()
        XCTAssertEqual(first.runsCreated, 4, "a parent run and three trial runs")
        XCTAssertEqual(first.runsEnded, 4)
        XCTAssertTrue(try exporter.backlog().isEmpty)
        XCTAssertEqual(try store.trackingMarks(sweepID: sweep.id).count, 4)

        // Again, and from a fresh exporter that has lost every mark (a crash before the head
        // wrote them): nothing is created or logged twice.
        XCTAssertEqual(try exporter.exportPass(), TrackingExporter.PassResult())
        let forgetful = try TrackingExporter(store: store, defaultTracking: TrackingSettings(mlflow: server.uri, experiment: experiment),
                                             overriding: true, saveMarks: { _ in }, log: { _ in })
        let again = try forgetful.exportPass()
        XCTAssertEqual(again.runsCreated, 0, "runs are found by their rung tags")

        let runs = try readBack(server, experiment: experiment)
        XCTAssertEqual(Set(runs.keys), ["export-test", "xgboost-0", "xgboost-1", "xgboost-2"])
        let parent = try XCTUnwrap(runs["export-test"])
        XCTAssertEqual(parent["status"] as? String, "FINISHED")
        let parentID = try XCTUnwrap(parent["run_id"] as? String)
        let finished = try XCTUnwrap(runs["xgboost-0"])
        let stopped = try XCTUnwrap(runs["xgboost-1"])
        let failed = try XCTUnwrap(runs["xgboost-2"])
        XCTAssertEqual(finished["status"] as? String, "FINISHED")
        XCTAssertEqual(stopped["status"] as? String, "KILLED")
        XCTAssertEqual(failed["status"] as? String, "FAILED")
        for run in [finished, stopped, failed] {
            let tags = try XCTUnwrap(run["tags"] as? [String: String])
            XCTAssertEqual(tags["mlflow.parentRunId"], parentID)
            XCTAssertEqual(tags["rung.family"], "xgboost")
            XCTAssertEqual(tags["rung.data_version"], "data-abc")
            XCTAssertEqual(tags["rung.version"], RungVersion.string)
        }
        XCTAssertEqual((stopped["tags"] as? [String: String])?["rung.stopped_at_rung"], "2")
        XCTAssertEqual((failed["tags"] as? [String: String])?["rung.failure_reason"], "worker w1: xgboost: out of memory")
        XCTAssertEqual((finished["tags"] as? [String: String])?["rung.seed"], "100")
        XCTAssertEqual(finished["params"] as? [String: String], ["eta": "0.1", "max_depth": "3"])
        let history = try XCTUnwrap(finished["history"] as? [String: [[Double]]])
        XCTAssertEqual(history["val_auc"]?.map { $0[0] }, [1, 2, 3, 4], "one value per epoch, step = epoch, none doubled")
        XCTAssertEqual(history["val_auc"]?[3][1] ?? 0, 0.64, accuracy: 1e-12)
        XCTAssertEqual((stopped["history"] as? [String: [[Double]]])?["val_logloss"]?.count, 2)
    }

    func testAnOutageMidSweepIsCaughtUpWithNothingMissingOrDoubled() throws {
        let server = try server()
        let experiment = "export-outage-\(UUID().uuidString.prefix(6))"
        let (store, sweep, trials) = try makeStore(uri: server.uri, experiment: experiment)
        defer { store.close() }
        let export = TrackingExportThread(storeURL: "sqlite:" + directory.appendingPathComponent("rung.db").path,
                                          defaultTracking: nil, pollSeconds: 0.2, maxBackoff: 1, timeout: 5, log: { print($0) })
        export.start()
        defer { export.stop() }
        // The test plays the head: it writes rows and, in the same way, the marks the export moved.
        func headPass(_ body: () throws -> Void = {}) throws {
            try store.transaction {
                try body()
                try store.saveTrackingMarks(export.takeMarks())
            }
            export.nudge()
        }
        try headPass { _ = try store.recordEpochs([epoch(trials[0], 1), epoch(trials[1], 1), epoch(trials[2], 1)]) }
        waitUntil("the first epochs are exported", timeout: 60, detail: "\(String(describing: export.backlog))") {
            try? headPass()
            return export.backlog?.isEmpty == true
        }

        server.kill()
        // The sweep goes on while the server is down.
        try headPass { _ = try store.recordEpochs([epoch(trials[0], 2), epoch(trials[1], 2)]) }
        try headPass { _ = try store.recordEpochs([epoch(trials[0], 3), epoch(trials[0], 4)]) }
        try headPass { try endSweep(store, sweep, trials) }
        // Four epoch results, three trial ends and the sweep's end wait for the server.
        waitUntil("the export fails and counts what waits", timeout: 30, detail: "\(String(describing: export.backlog))") {
            try? headPass()
            return export.consecutiveFailures > 0
                && export.backlog == TrackingBacklog(trials: 3, epochs: 4, parentPending: true)
        }

        try server.start()
        waitUntil("the export catches up after the restart", timeout: 60, detail: "\(String(describing: export.backlog))") {
            try? headPass()
            return export.consecutiveFailures == 0 && export.backlog?.isEmpty == true
        }
        try headPass()
        let marks = try store.trackingMarks(sweepID: sweep.id)
        XCTAssertEqual(marks.map(\.status), ["finished", "finished", "stopped", "failed"], "parent first, then the trials")

        let runs = try readBack(server, experiment: experiment)
        XCTAssertEqual(runs.count, 4)
        let history = try XCTUnwrap((runs["xgboost-0"]?["history"] as? [String: [[Double]]])?["val_auc"])
        XCTAssertEqual(history.map { Int($0[0]) }, [1, 2, 3, 4])
        XCTAssertEqual((runs["xgboost-1"]?["history"] as? [String: [[Double]]])?["val_auc"]?.map { Int($0[0]) }, [1, 2])
        XCTAssertEqual(runs["export-test"]?["status"] as? String, "FINISHED")
        XCTAssertEqual(runs["xgboost-1"]?["status"] as? String, "KILLED")
    }
}
