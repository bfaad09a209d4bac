import Foundation
import RungWire
import RungWorker
import XCTest

/// A worker and a fake head over real ZeroMQ sockets: joining and the life of a trial.
final class WorkerTrialTests: WorkerTestCase {
    func testHelloWelcomeThenMilestoneWaitsForDecisionAndStopEndsTheTrial() throws {
        let (worker, hello) = try join()
        XCTAssertEqual(hello.name, "worker-under-test")
        XCTAssertEqual(hello.slots, 1)
        XCTAssertEqual(Set(hello.families), ["xgboost", "random_forest", "logistic_regression", "command"])
        XCTAssertEqual(hello.running, [])

        try head.send(.assign(assignment(1, maxEpochs: 4, milestones: [1, 2])))
        let first = try head.expect("epoch 1 report") { $0.report(1) }
        XCTAssertEqual(first.epoch, 1)
        XCTAssertTrue(first.atMilestone)
        XCTAssertTrue(first.seconds > 0)
        let names = Set(first.metrics.map(\.name))
        XCTAssertTrue(names.isSuperset(of: ["val_auc", "val_logloss", "val_accuracy", "val_f1", "val_brier"]), "\(names)")
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("val_") })

        // At the milestone the trial waits: nothing more for it, but heartbeats list it.
        let waiting = try head.collect(for: 1.0)
        XCTAssertFalse(waiting.contains { $0.isTrialMessage }, "\(waiting)")
        XCTAssertTrue(waiting.contains { $0.heartbeat?.running == [1] }, "\(waiting)")

        try head.send(.decision(Decision(trialID: 1, epoch: 1, verdict: .stop)))
        let after = try head.collect(for: 1.0)
        XCTAssertFalse(after.contains { $0.isTrialMessage }, "a stopped trial sends nothing more: \(after)")
        XCTAssertEqual(after.compactMap { $0.heartbeat }.last?.running, [])

        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.stopped, 1)
        XCTAssertEqual(summary.finished, 0)
        XCTAssertTrue(worker.log.contains { $0.hasPrefix("joined head at \(head.endpoint)") }, "\(worker.log)")
    }

    func testContinueTrainsToMaxEpochsAndDoneCarriesTestMetricsAndTheUploadedModel() throws {
        let (worker, _) = try join()
        try head.send(.assign(assignment(2, maxEpochs: 3, milestones: [2, 3])))
        let r1 = try head.expect("epoch 1") { $0.report(2) }
        XCTAssertEqual(r1.epoch, 1)
        XCTAssertFalse(r1.atMilestone)
        let r2 = try head.expect("epoch 2") { $0.report(2) }
        XCTAssertEqual(r2.epoch, 2)
        XCTAssertTrue(r2.atMilestone)
        try head.send(.decision(Decision(trialID: 2, epoch: 2, verdict: .continue)))
        let r3 = try head.expect("epoch 3") { $0.report(2) }
        XCTAssertEqual(r3.epoch, 3)
        XCTAssertFalse(r3.atMilestone, "max_epochs is never a milestone")
        let done = try head.expect("done") { $0.done(2) }
        XCTAssertEqual(done.epoch, 3)

        // The final validation metrics are the last epoch's; the test metrics come with them.
        var metrics: [String: Double] = [:]
        for m in done.metrics { metrics[m.name] = m.value }
        for m in r3.metrics { XCTAssertEqual(metrics[m.name], m.value, m.name) }
        for name in ["test_auc", "test_logloss", "test_accuracy"] { XCTAssertNotNil(metrics[name], name) }
        XCTAssertEqual(done.metrics.count, r3.metrics.count * 2)
        let auc = try XCTUnwrap(metrics["test_auc"])
        XCTAssertGreaterThan(auc, 0.6, "the synthetic signal is learnable")

        // The model and the preprocessor are in the artifacts location under trials/2.
        let dir = localPath(done.checkpointURI)
        XCTAssertTrue(dir.hasSuffix("/trials/2"), dir)
        let model = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent("model.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: model) as? [String: Any])
        XCTAssertNotNil(json["learner"], "XGBoost's JSON model format")
        let uploaded = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent("preprocessor.json"))
        let original = try Data(contentsOf: fixture.data.appendingPathComponent("preprocessor.json"))
        XCTAssertEqual(try JSONSerialization.jsonObject(with: uploaded) as? NSDictionary,
                       try JSONSerialization.jsonObject(with: original) as? NSDictionary)

        try head.send(.drain)
        XCTAssertEqual(try expectDrainAndReturn(worker).finished, 1)
    }

    func testPauseUploadsACheckpointAndResumingItEndsWhereAnUninterruptedTrialEnds() throws {
        let (worker, _) = try join()
        try head.send(.assign(assignment(3, maxEpochs: 3, milestones: [1])))
        _ = try head.expect("milestone report") { $0.report(3) }
        try head.send(.decision(Decision(trialID: 3, epoch: 1, verdict: .pause)))
        let paused = try head.expect("done after pause") { $0.done(3) }
        XCTAssertEqual(paused.epoch, 1)
        XCTAssertTrue(paused.checkpointURI.hasSuffix("/trials/3/checkpoint-1.json"), paused.checkpointURI)
        XCTAssertTrue(FileManager.default.fileExists(atPath: localPath(paused.checkpointURI)))

        try head.send(.assign(assignment(3, maxEpochs: 3, startEpoch: 1, checkpointURI: paused.checkpointURI)))
        let resumed = try head.expect("first resumed report") { $0.report(3) }
        XCTAssertEqual(resumed.epoch, 2)
        let finished = try head.expect("done after resume") { $0.done(3) }
        XCTAssertEqual(finished.epoch, 3)

        try head.send(.assign(assignment(4, maxEpochs: 3)))
        let straight = try head.expect("uninterrupted done") { $0.done(4) }
        XCTAssertEqual(finished.metrics, straight.metrics, "resume continues bit-exactly")

        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.paused, 1)
        XCTAssertEqual(summary.finished, 2)
    }

    func testUnknownParameterFailsNamingItAndFreesTheSlot() throws {
        let (worker, _) = try join()
        try head.send(.assign(assignment(5, params: #"{"max_depht": 4}"#)))
        let failed = try head.expect("failed") { $0.failed(5) }
        XCTAssertTrue(failed.reason.contains("max_depht"), failed.reason)

        try head.send(.assign(assignment(6, maxEpochs: 1)))
        let done = try head.expect("done of the next trial") { $0.done(6) }
        XCTAssertEqual(done.epoch, 1)
        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.failed, 1)
        XCTAssertEqual(summary.finished, 1)
    }

    func testWrongDataVersionAndMissingDataFailWithAReason() throws {
        let (worker, _) = try join()
        try head.send(.assign(assignment(11, dataVersion: "0123456789abcdef")))
        let wrong = try head.expect("failed") { $0.failed(11) }
        XCTAssertTrue(wrong.reason.contains("0123456789abcdef") && wrong.reason.contains(fixture.dataVersion), wrong.reason)

        var missing = assignment(12)
        missing.dataURI = fixture.root.appendingPathComponent("nowhere").path
        try head.send(.assign(missing))
        let absent = try head.expect("failed") { $0.failed(12) }
        XCTAssertTrue(absent.reason.contains("nowhere"), absent.reason)
        try head.send(.drain)
        XCTAssertEqual(try expectDrainAndReturn(worker).failed, 2)
    }

    func testCommandFamilyStreamsMetricLinesWaitsAtMilestonesAndUploadsItsOutput() throws {
        let (worker, _) = try join()
        let script = """
        test -f "$RUNG_DATA_DIR/manifest.json" || exit 3
        printf '%s' "$RUNG_PARAMS" > "$RUNG_OUTPUT_DIR/params.json"
        for i in 1 2 3; do echo "training epoch $i"; echo "{\\"epoch\\": $i, \\"val_auc\\": 0.$i}"; done
        """
        try head.send(.assign(assignment(13, params: #"{"depth": 5}"#, maxEpochs: 3, milestones: [2],
                                         family: "command", command: ["sh", "-c", script])))
        let r1 = try head.expect("epoch 1") { $0.report(13) }
        XCTAssertEqual(r1.metrics, [WireMetric("val_auc", 0.1)])
        XCTAssertFalse(r1.atMilestone)
        let r2 = try head.expect("epoch 2") { $0.report(13) }
        XCTAssertTrue(r2.atMilestone)
        let waiting = try head.collect(for: 0.5)
        XCTAssertFalse(waiting.contains { $0.isTrialMessage }, "\(waiting)")
        try head.send(.decision(Decision(trialID: 13, epoch: 2, verdict: .continue)))
        let r3 = try head.expect("epoch 3") { $0.report(13) }
        XCTAssertEqual(r3.epoch, 3)
        XCTAssertFalse(r3.atMilestone, "the last epoch is never a milestone")
        let done = try head.expect("done") { $0.done(13) }
        XCTAssertEqual(done.metrics, [WireMetric("val_auc", 0.3)])
        let params = try String(contentsOfFile: localPath(done.checkpointURI) + "/params.json", encoding: .utf8)
        XCTAssertEqual(params, #"{"depth":5}"#)

        try head.send(.assign(assignment(14, family: "command", command: ["sh", "-c", "echo broken >&2; exit 4"])))
        let failed = try head.expect("failed") { $0.failed(14) }
        XCTAssertTrue(failed.reason.contains("status 4") && failed.reason.contains("broken"), failed.reason)
        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.finished, 1)
        XCTAssertEqual(summary.failed, 1)
    }

    /// The milestone protocol for a command: stop ends the program and sends nothing more;
    /// pause ends it too (a program cannot be checkpointed) with a `done` carrying the
    /// milestone's metrics and no checkpoint.
    func testCommandFamilyObeysStopAndPauseAtAMilestone() throws {
        let (worker, _) = try join()
        let script = #"for i in 1 2 3; do echo "{\"epoch\": $i, \"val_auc\": 0.$i}"; done"#
        try head.send(.assign(assignment(15, maxEpochs: 3, milestones: [1], family: "command", command: ["sh", "-c", script])))
        XCTAssertTrue(try head.expect("epoch 1 of trial 15") { $0.report(15) }.atMilestone)
        try head.send(.decision(Decision(trialID: 15, epoch: 1, verdict: .stop)))
        let after = try head.collect(for: 0.5)
        XCTAssertFalse(after.contains { $0.isTrialMessage }, "a stopped trial sends nothing more: \(after)")

        try head.send(.assign(assignment(16, maxEpochs: 3, milestones: [1], family: "command", command: ["sh", "-c", script])))
        XCTAssertTrue(try head.expect("epoch 1 of trial 16") { $0.report(16) }.atMilestone)
        try head.send(.decision(Decision(trialID: 16, epoch: 1, verdict: .pause)))
        let paused = try head.expect("done after pause") { message -> TrialDone? in
            XCTAssertNil(message.report(16), "no report after the pause")
            return message.done(16)
        }
        XCTAssertEqual(paused.epoch, 1)
        XCTAssertEqual(paused.metrics, [WireMetric("val_auc", 0.1)])
        XCTAssertEqual(paused.checkpointURI, "")

        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.stopped, 1)
        XCTAssertEqual(summary.paused, 1)
        XCTAssertEqual(summary.finished, 0)
        XCTAssertTrue(worker.log.contains { $0.contains("trial 15 stopped at epoch 1") }, "\(worker.log)")
    }
}
