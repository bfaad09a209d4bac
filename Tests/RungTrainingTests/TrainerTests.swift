import Foundation
import RungCore
import RungData
import RungTraining
import XCTest

final class TrainerTests: XCTestCase {
    static let train = SyntheticData.split(rows: 3000, seed: 1)
    static let validation = SyntheticData.split(rows: 1000, seed: 2)

    static let familyParams: [String: [String: ParamValue]] = [
        "xgboost": ["max_depth": .int(4), "learning_rate": .double(0.1), "subsample": .double(0.8),
                    "colsample_bytree": .double(0.7), "colsample_bynode": .double(0.8), "rounds": .int(5)],
        "random_forest": ["max_depth": .int(6), "trees_per_epoch": .int(8), "subsample": .double(0.7),
                          "colsample_bynode": .double(0.6)],
        "logistic_regression": ["reg_alpha": .double(0.001), "reg_lambda": .double(0.01), "rounds": .int(5)],
    ]

    func makeTrainer(_ family: String, seed: UInt64 = 42) throws -> Trainer {
        try Trainer(family: family, params: Self.familyParams[family]!, seed: seed,
                    train: Self.train, validation: Self.validation)
    }

    func testEveryFamilyLearnsTheSignal() throws {
        for family in TrainerFamilies.all.map({ $0.name }) {
            let trainer = try makeTrainer(family)
            var aucs: [Double] = []
            for expected in 1...3 {
                let result = try trainer.runEpoch()
                XCTAssertEqual(result.epoch, expected, family)
                XCTAssertEqual(result.validation.count, Self.validation.labels.count)
                XCTAssertGreaterThan(result.trainSeconds, 0)
                aucs.append(try XCTUnwrap(result.validation.auc.number, family))
            }
            XCTAssertGreaterThan(aucs.last!, 0.65, "\(family) validation AUC \(aucs)")
            if family == "xgboost" {
                XCTAssertGreaterThan(aucs[2], aucs[0], "xgboost validation AUC should rise over epochs: \(aucs)")
            }
        }
    }

    func testEpochMetricsAreTheRungMetricsOfThePredictions() throws {
        let trainer = try makeTrainer("xgboost")
        let result = try trainer.runEpoch()
        let probabilities = try trainer.predictProbabilities(Self.validation.features)
        let direct = try MetricSet(labels: Self.validation.labels.map(Double.init), probabilities: probabilities)
        XCTAssertEqual(result.validation, direct)
        XCTAssertEqual(try trainer.evaluate(Self.validation), direct)
    }

    func testSameSeedGivesSameModelBytesAndDifferentSeedDoesNot() throws {
        for family in TrainerFamilies.all.map({ $0.name }) {
            let a = try makeTrainer(family, seed: 7), b = try makeTrainer(family, seed: 7)
            for _ in 0..<2 { _ = try a.runEpoch(); _ = try b.runEpoch() }
            XCTAssertEqual(try a.modelData(), try b.modelData(), family)
            XCTAssertTrue(try a.predictProbabilities(Self.validation.features)
                          == b.predictProbabilities(Self.validation.features), "\(family): predictions differ")
            if family != "logistic_regression" {   // coordinate descent uses no randomness
                let c = try makeTrainer(family, seed: 8)
                for _ in 0..<2 { _ = try c.runEpoch() }
                XCTAssertNotEqual(try a.modelData(), try c.modelData(), "\(family): seed has no effect")
            }
        }
    }

    /// A trial that may pause at epoch 2 (an ASHA milestone) but goes on aligns there, and
    /// then trains exactly the model of the trial paused there and resumed from its
    /// checkpoint, for every family with row and column sampling on; the resumed one is
    /// built on fresh matrices, as on another worker.
    func testCheckpointResumeContinuesBitExactly() throws {
        for family in TrainerFamilies.all.map({ $0.name }) {
            let straight = try makeTrainer(family)
            var straightResults: [EpochResult] = []
            for epoch in 1...4 {
                straightResults.append(try straight.runEpoch())
                if epoch == 2 { try straight.alignWithCheckpoint() }
            }

            let first = try makeTrainer(family)
            for _ in 0..<2 { _ = try first.runEpoch() }
            let checkpoint = try first.checkpoint()
            let resumed = try Trainer.resume(from: checkpoint, train: Self.train, validation: Self.validation)
            XCTAssertEqual(resumed.epochsCompleted, 2)
            XCTAssertEqual(resumed.parameters, first.parameters)
            var resumedResults: [EpochResult] = []
            for _ in 0..<2 { resumedResults.append(try resumed.runEpoch()) }
            // The trainer that took the checkpoint goes on as the resumed one.
            for _ in 0..<2 { _ = try first.runEpoch() }

            XCTAssertEqual(resumedResults.map(\.epoch), [3, 4], family)
            XCTAssertEqual(resumedResults.map(\.validation), straightResults.suffix(2).map(\.validation), family)
            XCTAssertTrue(try resumed.predictProbabilities(Self.validation.features)
                          == straight.predictProbabilities(Self.validation.features), "\(family): predictions differ")
            XCTAssertTrue(try resumed.modelData() == straight.modelData(), "\(family): model bytes differ")
            XCTAssertTrue(try first.modelData() == straight.modelData(), "\(family): the checkpointing trainer diverged")
        }
    }

    /// Without row or column sampling a live booster holds no state its saved model lacks
    /// (coordinate descent draws nothing): a trial resumed from a checkpoint equals one that
    /// never aligned. This is what lets those trials skip the reload at milestones.
    func testWithoutSamplingResumeEqualsAnUnalignedLiveTrial() throws {
        let unsampled: [String: [String: ParamValue]] = [
            "xgboost": ["max_depth": .int(4), "learning_rate": .double(0.1), "rounds": .int(5)],
            "logistic_regression": Self.familyParams["logistic_regression"]!,
        ]
        for (family, params) in unsampled {
            let data = try TrainingMatrices(train: Self.train, validation: Self.validation)
            let live = try Trainer(family: family, params: params, seed: 9, data: data)
            for _ in 0..<4 { _ = try live.runEpoch() }
            let first = try Trainer(family: family, params: params, seed: 9, data: data)
            for _ in 0..<2 { _ = try first.runEpoch() }
            let resumed = try Trainer.resume(from: try first.checkpoint(), data: data)
            for _ in 0..<2 { _ = try resumed.runEpoch() }
            XCTAssertTrue(try resumed.modelData() == live.modelData(), "\(family): model bytes differ")
        }
    }

    /// The test split is scored from matrices built once; a forest from its chunks, equal to
    /// its saved model's scores up to float rounding, a booster exactly.
    func testEvaluateTestScoresTheTestSplitOfTheMatrices() throws {
        let test = SyntheticData.split(rows: 800, seed: 11)
        let data = try TrainingMatrices(train: Self.train, validation: Self.validation, test: test)
        for family in TrainerFamilies.all.map({ $0.name }) {
            let trainer = try Trainer(family: family, params: Self.familyParams[family]!, seed: 3, data: data)
            for _ in 0..<3 { _ = try trainer.runEpoch() }
            let fast = try trainer.evaluateTest()
            let saved = try trainer.evaluate(test)
            XCTAssertEqual(fast.count, test.labels.count)
            if family == "random_forest" {
                XCTAssertEqual(try XCTUnwrap(fast.auc.number), try XCTUnwrap(saved.auc.number), accuracy: 1e-6, family)
                XCTAssertEqual(fast.logloss, saved.logloss, accuracy: 1e-6, family)
            } else {
                XCTAssertEqual(fast, saved, family)
            }
        }
        let noTest = try Trainer(family: "xgboost", params: [:], seed: 1,
                                 data: TrainingMatrices(train: Self.train, validation: Self.validation))
        _ = try noTest.runEpoch()
        XCTAssertThrowsError(try noTest.evaluateTest()) { XCTAssertEqual(($0 as? RungError)?.kind, .usage) }
    }

    func testResumeRefusesDifferentTrainingData() throws {
        let trainer = try makeTrainer("xgboost")
        _ = try trainer.runEpoch()
        let other = SyntheticData.split(rows: 3000, seed: 5)
        XCTAssertThrowsError(try Trainer.resume(from: try trainer.checkpoint(), train: other, validation: Self.validation)) { error in
            XCTAssertEqual((error as? RungError)?.kind, .badInput)
            XCTAssertTrue("\(error)".contains("different training data"), "\(error)")
        }
        XCTAssertThrowsError(try Trainer.resume(from: Data("{}".utf8), train: Self.train, validation: Self.validation))
    }

    func testSaveLoadGivesIdenticalPredictions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-trainer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for family in TrainerFamilies.all.map({ $0.name }) {
            let trainer = try makeTrainer(family)
            for _ in 0..<2 { _ = try trainer.runEpoch() }
            let url = dir.appendingPathComponent("\(family).json")
            try trainer.saveModel(to: url)
            let loaded = try SavedModel.load(from: url)
            let expected = try trainer.predictProbabilities(Self.validation.features)
            XCTAssertTrue(try loaded.predictProbabilities(Self.validation.features) == expected, "\(family): file round trip")
            XCTAssertTrue(try SavedModel(data: trainer.modelData()).predictProbabilities(Self.validation.features) == expected,
                          "\(family): buffer round trip")
        }
        XCTAssertThrowsError(try SavedModel.load(from: dir.appendingPathComponent("missing.json"))) { error in
            XCTAssertEqual((error as? RungError)?.kind, .badInput)
        }
    }

    func testRandomForestSavedModelIsTheAverageOfItsChunks() throws {
        let trainer = try makeTrainer("random_forest")
        var results: [EpochResult] = []
        for _ in 0..<3 { results.append(try trainer.runEpoch()) }
        let chunks = try trainer.componentModels()
        XCTAssertEqual(chunks.count, 3)
        let treesPerChunk = 8.0
        let x = Self.validation.features

        // Each chunk is a one-round booster: base margin + the SUM of its trees. The forest is
        // base margin + the mean of all trees, i.e. the average of the chunks' own forests.
        var average = [Double](repeating: 0, count: x.rowCount)
        var baseMargin = 0.0
        for chunk in chunks {
            let object = try JSONSerialization.jsonObject(with: chunk) as! [String: Any]
            let learner = object["learner"] as! [String: Any]
            let base = Double((learner["learner_model_param"] as! [String: Any])["base_score"] as! String)!
            baseMargin = log(base / (1 - base))
            let margins = try SavedModel(data: chunk).predictMargins(x)
            for i in 0..<x.rowCount {
                average[i] += (baseMargin + (margins[i] - baseMargin) / treesPerChunk) / Double(chunks.count)
            }
        }
        let saved = try SavedModel(data: trainer.modelData())
        let savedMargins = try saved.predictMargins(x)
        for i in 0..<x.rowCount {
            XCTAssertEqual(savedMargins[i], average[i], accuracy: 1e-5 * max(1, abs(average[i])), "row \(i)")
        }
        // The saved model predicts exactly what was evaluated.
        let savedProbabilities = try saved.predictProbabilities(x)
        XCTAssertTrue(try savedProbabilities == trainer.predictProbabilities(x), "saved model differs from evaluated one")
        // Epochs are evaluated from cached per-chunk margins (not by rebuilding the merged model
        // each epoch), so the evaluated metrics equal the saved model's up to float rounding.
        let fromSaved = try MetricSet(labels: Self.validation.labels.map(Double.init), probabilities: savedProbabilities)
        let evaluated = results.last!.validation
        XCTAssertEqual(fromSaved.auc, evaluated.auc)
        XCTAssertEqual(fromSaved.accuracy, evaluated.accuracy)
        XCTAssertEqual(fromSaved.logloss, evaluated.logloss, accuracy: 1e-7)
        XCTAssertEqual(fromSaved.brier, evaluated.brier, accuracy: 1e-7)
        // More epochs keep it a forest: the averaged margins stay on the scale of one chunk's forest.
        let spread = savedMargins.map { abs($0 - baseMargin) }.max()!
        XCTAssertLessThan(spread, 10)
    }

    func testUntrainedTrainerRefusesToPredictOrSave() throws {
        let trainer = try makeTrainer("random_forest")
        XCTAssertThrowsError(try trainer.modelData()) { XCTAssertEqual(($0 as? RungError)?.kind, .usage) }
        XCTAssertThrowsError(try trainer.predictProbabilities(Self.validation.features))
        XCTAssertNoThrow(try trainer.checkpoint())
    }

    func testBadDataIsRejected() {
        let wide = SyntheticData.split(rows: 50, columns: 201, seed: 3)
        XCTAssertThrowsError(try Trainer(family: "xgboost", params: [:], seed: 1, train: Self.train, validation: wide)) {
            XCTAssertTrue("\($0)".contains("201 columns"), "\($0)")
        }
        var badLabels = SyntheticData.split(rows: 50, seed: 3)
        badLabels.labels[7] = 2
        XCTAssertThrowsError(try Trainer(family: "xgboost", params: [:], seed: 1, train: badLabels, validation: Self.validation)) {
            XCTAssertTrue("\($0)".contains("row 7"), "\($0)")
        }
    }
}
