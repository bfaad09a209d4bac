import Foundation
import RungCore
import RungData
import RungTraining
import RungWire
import RungWorker
import XCTest

/// A trial on cross-validated data (`split.folds`): each epoch reports the fold mean and
/// spread of every validation metric; a finished trial ships a model refitted on every
/// non-test row; a paused one resumes all its folds.
final class CrossValidatedTrialTests: WorkerTestCase {
    /// The fixture's rows prepared with 4 stratified folds instead of a validation split.
    private func foldedData() throws -> (url: URL, version: String) {
        let source = fixture.root.appendingPathComponent("risk-cv.csv")
        try PreparedFixture.csv(rows: 300).write(to: source, atomically: true, encoding: .utf8)
        let yaml = PreparedFixture.recipe.replacingOccurrences(of: "  validation: 0.2\n", with: "  folds: 4\n  order: stratified\n")
            .replacingOccurrences(of: "train: 0.6", with: "train: 0.8")
        let recipe = try DatasetRecipe.parse(yaml: yaml, fileName: "risk-cv.yaml")
        let out = fixture.root.appendingPathComponent("prepared-cv", isDirectory: true)
        let manifest = try DatasetPreparer.prepare(source: source, recipe: recipe, out: out)
        XCTAssertEqual(manifest.crossValidation?.folds, 4)
        return (out, manifest.dataVersion)
    }

    private func cvAssignment(_ trial: UInt64, data: (url: URL, version: String), maxEpochs: UInt32 = 3,
                              milestones: [UInt32] = [], startEpoch: UInt32 = 0, checkpointURI: String = "") -> Assignment {
        Assignment(trialID: trial, sweepID: 1, family: "xgboost", command: [],
                   paramsJSON: #"{"max_depth": 3, "rounds": 4, "learning_rate": 0.3}"#, seed: 7,
                   startEpoch: startEpoch, maxEpochs: maxEpochs, milestones: milestones,
                   dataURI: data.url.path, dataVersion: data.version, checkpointURI: checkpointURI)
    }

    private func dictionary(_ metrics: [WireMetric]) -> [String: Double] {
        Dictionary(metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    func testEpochsReportTheFoldMeanAndSpreadAndTheShippedModelIsRefittedOnEveryNonTestRow() throws {
        let data = try foldedData()
        let (worker, _) = try join()
        try head.send(.assign(cvAssignment(1, data: data)))
        var last: EpochReport?
        for epoch in 1 ... 3 {
            let report = try head.expect("epoch \(epoch)") { $0.report(1) }
            XCTAssertEqual(report.epoch, UInt32(epoch))
            let m = dictionary(report.metrics)
            for name in ["val_auc", "val_logloss", "val_accuracy"] {
                XCTAssertNotNil(m[name], name)
                let spread = try XCTUnwrap(m[name + "_std"], name + "_std")
                XCTAssertGreaterThanOrEqual(spread, 0)
            }
            XCTAssertGreaterThan(m["val_auc_std"]!, 0, "four folds do not score exactly alike")
            last = report
        }
        let done = try head.expect("done") { $0.done(1) }
        XCTAssertEqual(done.epoch, 3)
        let metrics = dictionary(done.metrics)
        for (name, value) in dictionary(last!.metrics) { XCTAssertEqual(metrics[name], value, name) }
        let testAUC = try XCTUnwrap(metrics["test_auc"])
        XCTAssertNil(metrics["test_auc_std"], "the test metrics are the refitted model's own")

        // The shipped model is the refit: the same parameters, seed and epochs on all of train.csv.
        let prepared = try PreparedData.open(data.url)
        let train = try prepared.load(.train)
        let test = try prepared.load(.test)
        let refit = try Trainer(family: "xgboost", params: ["max_depth": .int(3), "rounds": .int(4), "learning_rate": .double(0.3)],
                                seed: 7, threads: 1, train: train, validation: train)
        for _ in 0 ..< 3 { _ = try refit.runEpoch() }
        let dir = URL(fileURLWithPath: localPath(done.checkpointURI))
        let shipped = try SavedModel.load(from: dir.appendingPathComponent("model.json"))
        let expected = try refit.predictProbabilities(test.features)
        let got = try shipped.predictProbabilities(test.features)
        XCTAssertEqual(got.count, 60)
        for (a, b) in zip(got, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        let scored = try MetricSet(labels: test.labels.map(Double.init), probabilities: got).named(.test)
        XCTAssertEqual(scored["test_auc"]!, testAUC, accuracy: 1e-9)
        XCTAssertEqual(try Preprocessor.load(from: dir.appendingPathComponent("preprocessor.json")), prepared.preprocessor,
                       "the refit's preprocessor is fitted on every non-test row")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint-3.json").path),
                       "fold models are not uploaded")

        try head.send(.drain)
        XCTAssertEqual(try expectDrainAndReturn(worker).finished, 1)
    }

    func testAPausedCrossValidatedTrialResumesEveryFoldAndEndsWhereAnUninterruptedOneEnds() throws {
        let data = try foldedData()
        let (worker, _) = try join()
        try head.send(.assign(cvAssignment(2, data: data, milestones: [1])))
        _ = try head.expect("milestone report") { $0.report(2) }
        try head.send(.decision(Decision(trialID: 2, epoch: 1, verdict: .pause)))
        let paused = try head.expect("done after pause") { $0.done(2) }
        XCTAssertTrue(paused.checkpointURI.hasSuffix("/trials/2/checkpoint-1.json"), paused.checkpointURI)

        try head.send(.assign(cvAssignment(2, data: data, startEpoch: 1, checkpointURI: paused.checkpointURI)))
        XCTAssertEqual(try head.expect("first resumed report") { $0.report(2) }.epoch, 2)
        let finished = try head.expect("done after resume") { $0.done(2) }

        try head.send(.assign(cvAssignment(3, data: data)))
        let straight = try head.expect("uninterrupted done") { $0.done(3) }
        XCTAssertEqual(finished.metrics, straight.metrics, "every fold resumes bit-exactly")

        // A plain trial's checkpoint is not a cross-validation checkpoint.
        try head.send(.assign(assignment(4, maxEpochs: 2, milestones: [1])))
        _ = try head.expect("plain milestone") { $0.report(4) }
        try head.send(.decision(Decision(trialID: 4, epoch: 1, verdict: .pause)))
        let plain = try head.expect("plain pause") { $0.done(4) }
        try head.send(.assign(cvAssignment(5, data: data, startEpoch: 1, checkpointURI: plain.checkpointURI)))
        let failed = try head.expect("failed") { $0.failed(5) }
        XCTAssertTrue(failed.reason.contains("is not a checkpoint of 4 cross-validation folds"), failed.reason)

        try head.send(.drain)
        _ = try expectDrainAndReturn(worker)
    }
}
