import Foundation
import RungCore
import RungData
import RungTraining
import RungWire
import RungWorker
import XCTest

/// A slot left idle lends its core to a running trial (nthread) until new work arrives, and
/// the trial's model is the one it would have been without the loan.
final class WorkerIdleCoreTests: WorkerTestCase {
    static let params = #"{"max_depth": 4, "rounds": 4, "learning_rate": 0.3, "subsample": 0.8, "colsample_bytree": 0.7}"#

    func testAnIdleSlotsCoreGoesToTheRunningTrialAndComesBackForANewOne() throws {
        let (worker, _) = try join(slots: 2)
        try head.send(.assign(assignment(10, params: Self.params, maxEpochs: 4, milestones: [1, 2])))
        let first = try head.expect("trial 10 at its first milestone") { $0.report(10) }
        XCTAssertTrue(first.atMilestone)
        waitUntil("the idle slot's core is lent to trial 10", timeout: 10, detail: "\(worker.log)") {
            worker.log.contains { $0.hasPrefix("trial 10 takes 1 idle core(s): nthread 2") }
        }
        try head.send(.decision(Decision(trialID: 10, epoch: 1, verdict: .continue)))
        _ = try head.expect("trial 10 at its second milestone") { $0.report(10).flatMap { $0.epoch == 2 ? $0 : nil } }

        // A new trial takes the core back.
        try head.send(.assign(assignment(11, params: Self.params, maxEpochs: 1)))
        waitUntil("trial 10 gives the core back", timeout: 10, detail: "\(worker.log)") {
            worker.log.contains { $0.hasPrefix("trial 10 gives back 1 core(s) for a new trial") }
        }
        _ = try head.expect("trial 11 done") { $0.done(11) }
        try head.send(.decision(Decision(trialID: 10, epoch: 2, verdict: .continue)))
        let done = try head.expect("trial 10 done") { $0.done(10) }

        // The same trial trained with one thread throughout gives the same model.
        let prepared = try PreparedData.open(fixture.data)
        let matrices = try TrainingMatrices(train: prepared.load(.train), validation: prepared.load(.validation),
                                            test: prepared.load(.test))
        let reference = try Trainer(family: "xgboost", params: TrialParameters.decode(Self.params), seed: 7, threads: 1,
                                    data: matrices)
        var last: EpochResult?
        for epoch in 1...4 {
            last = try reference.runEpoch()
            if epoch <= 2 { try reference.alignWithCheckpoint() }  // the worker went on past milestones 1 and 2
        }
        var metrics: [String: Double] = [:]
        for m in done.metrics { metrics[m.name] = m.value }
        let validation = try XCTUnwrap(last).validation.named(.val)
        XCTAssertNotNil(metrics["val_auc"])
        XCTAssertEqual(metrics["val_auc"], validation["val_auc"])
        XCTAssertEqual(metrics["val_logloss"], validation["val_logloss"])
        XCTAssertEqual(metrics["test_auc"], try reference.evaluateTest().named(.test)["test_auc"])

        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertGreaterThanOrEqual(summary.coresLent, 1)
        XCTAssertEqual(summary.finished, 2)
    }

    func testALogisticRegressionKeepsItsOwnThreads() throws {
        let (worker, _) = try join(slots: 2)
        try head.send(.assign(assignment(20, params: #"{"rounds": 2}"#, maxEpochs: 3, milestones: [1],
                                         family: "logistic_regression")))
        _ = try head.expect("trial 20 at its milestone") { $0.report(20) }
        // Long enough for a loan to happen if one were allowed (300 ms after the slot went idle).
        let quiet = try head.collect(for: 1.0)
        XCTAssertFalse(quiet.contains { $0.isTrialMessage }, "\(quiet)")
        XCTAssertFalse(worker.log.contains { $0.contains("idle core") }, "\(worker.log)")
        try head.send(.decision(Decision(trialID: 20, epoch: 1, verdict: .continue)))
        _ = try head.expect("trial 20 done") { $0.done(20) }
        try head.send(.drain)
        XCTAssertEqual(try expectDrainAndReturn(worker).coresLent, 0)
    }
}

/// Decodes an assignment's parameter JSON the way the worker does.
private enum TrialParameters {
    static func decode(_ json: String) throws -> [String: ParamValue] {
        try JSONDecoder().decode([String: ParamValue].self, from: Data(json.utf8))
    }
}
