import Foundation
@testable import RungHead
@testable import RungStore
import RungMLflow
import RungCore
import RungWire
import XCTest

/// The MLflow export's marks are written by the head inside its pass, through the
/// journalled store: when the store stalls (a real SQLite database that is full) while the
/// export has marks to hand over, the held pass keeps them and commits them when the store
/// is back; the real MLflow server (`MLflowTestServer`) ends up with every run and epoch
/// once, and a new export from the store's marks has nothing left to write.
final class HeadExportStallTests: XCTestCase {
    private func report(_ trial: UInt64, _ epoch: UInt32, seq: UInt64) -> WireMessage {
        HeadFixture.report(trial, epoch, seq: seq)
    }

    func testAStoreStallDuringTheExportLosesAndDoublesNothing() throws {
        let server = try MLflowTestServer()
        defer { server.kill() }
        let experiment = "stall-\(UUID().uuidString.prefix(6))"
        let fixture = try HeadFixture(self)
        let transport = InMemoryTransport()
        let clock = ManualClock()
        let head = try fixture.makeHead(transport: transport, clock: clock)
        var lines: [String] = []
        head.log = { lines.append($0) }
        let export = TrackingExportThread(storeURL: "sqlite:" + fixture.storePath,
                                          defaultTracking: TrackingSettings(mlflow: server.uri, experiment: experiment),
                                          pollSeconds: 0.1, maxBackoff: 1, timeout: 10, log: { print("export: \($0)") })
        export.start()
        defer { export.stop() }
        head.passObservers.append(TrackingExportObserver(export: export))
        let marksRead = { () throws -> [TrackingMark] in
            let reader = try SQLiteStore(path: fixture.storePath, readOnly: true)
            defer { reader.close() }
            return try reader.trackingMarks(sweepID: nil)
        }

        let (sweep, trial) = try fixture.startOneTrial(on: head, transport: transport)
        transport.deliver(report(trial, 1, seq: 1), from: "w1")
        try head.runOnce(timeoutMillis: 0)

        // The export writes the parent run and the trial's first epoch; its marks wait for
        // the head's next pass.
        waitUntil("the export has written epoch 1 and holds its marks", timeout: 60,
                  detail: "backlog \(String(describing: export.backlog)), pending \(export.pendingMarks)") {
            export.pendingMarks >= 2 && export.backlog?.isEmpty == true
        }
        XCTAssertEqual(try marksRead(), [], "no mark is written outside the head's pass")

        // The disk fills up in the pass that takes the marks: a worker whose row needs new
        // pages arrives after the next report.
        let sqlite = try XCTUnwrap(head.store.base as? SQLiteStore)
        try sqlite.db.execute("PRAGMA max_page_count = 1", purpose: "fill the test's disk")
        transport.deliver(report(trial, 2, seq: 2), from: "w1")
        transport.deliver(.hello(WorkerHello(name: "w2", host: String(repeating: "h", count: 64 * 1024), slots: 1,
                                             families: ["xgboost"])), from: "w2")
        clock.advance(by: 0.1)
        try head.runOnce(timeoutMillis: 0)
        XCTAssertNotNil(head.storeProblem, "\(lines)")
        XCTAssertEqual(export.pendingMarks, 0, "the held pass took the marks")
        XCTAssertEqual(try marksRead(), [], "the held pass is not committed")
        for _ in 0..<5 {
            clock.advance(by: 1)
            transport.deliver(.heartbeat(Heartbeat(running: [trial])), from: "w1")
            try head.runOnce(timeoutMillis: 0)
        }
        XCTAssertNotNil(head.storeProblem)

        // Space again: the held pass commits, with the marks it held.
        try sqlite.db.execute("PRAGMA max_page_count = 1073741823", purpose: "free the test's disk")
        clock.advance(by: StoreStall.maxBackoff)
        try head.runOnce(timeoutMillis: 0)
        XCTAssertNil(head.storeProblem, "\(lines)")
        let held = try marksRead()
        XCTAssertEqual(held.map(\.trialID), [0, Int64(trial)], "the parent's and the trial's marks came with the replay")
        XCTAssertEqual(held.last?.epochs, 1)

        // The rest of the trial; the sweep ends and the export catches up.
        transport.deliver(report(trial, 3, seq: 3), from: "w1")
        transport.deliver(report(trial, 4, seq: 4), from: "w1")
        transport.deliver(.done(TrialDone(trialID: trial, epoch: 4, metrics: [WireMetric("val_auc", 0.64), WireMetric("test_auc", 0.6)],
                                          checkpointURI: "", seq: 5)), from: "w1")
        clock.advance(by: 0.1)
        try head.runOnce(timeoutMillis: 0)
        waitUntil("the sweep is over and every mark is committed", timeout: 60,
                  detail: "backlog \(String(describing: export.backlog)), marks \((try? marksRead()) ?? [])\n\(lines.suffix(5))") {
            clock.advance(by: 0.05)
            try? head.runOnce(timeoutMillis: 0)
            let marks = (try? marksRead()) ?? []
            return !head.isRunning(sweepID: sweep) && export.pendingMarks == 0
                && marks.map(\.status) == ["finished", "finished"] && marks.last?.epochs == 4
        }

        // On the server: the parent and the trial, each once; every epoch once.
        let client = MLflowClient(baseURI: server.uri)
        let experimentID = try XCTUnwrap(try client.findExperiment(named: experiment))
        let runs = try client.searchRuns(experimentIDs: [experimentID])
        XCTAssertEqual(runs.count, 2, "one parent run and one trial run")
        let trialRun = try XCTUnwrap(runs.first { run in
            ((run["data"] as? [String: Any])?["tags"] as? [[String: Any]] ?? []).contains {
                $0["key"] as? String == "rung.trial_id" && $0["value"] as? String == String(trial)
            }
        })
        let runID = try XCTUnwrap((trialRun["info"] as? [String: Any])?["run_id"] as? String)
        XCTAssertEqual(try client.metricHistory(runID: runID, key: "val_auc").map(\.step), [1, 2, 3, 4])
        XCTAssertEqual((trialRun["info"] as? [String: Any])?["status"] as? String, "FINISHED")

        // A new export that starts from the store's marks finds nothing left.
        let reader = try SQLiteStore(path: fixture.storePath, readOnly: true)
        defer { reader.close() }
        let fresh = try TrackingExporter(store: reader, defaultTracking: TrackingSettings(mlflow: server.uri, experiment: experiment),
                                         saveMarks: { _ in }, log: { _ in })
        XCTAssertEqual(try fresh.exportPass(), TrackingExporter.PassResult())
        XCTAssertEqual(try client.searchRuns(experimentIDs: [experimentID]).count, 2)
    }
}
