import Foundation
import RungCore
import RungData
import RungTraining
import XCTest

final class XGBoostBindingTests: XCTestCase {
    let split = SyntheticData.split(rows: 400, seed: 13)

    func testFailingCallBecomesRungErrorNamingCallAndXGBoostMessage() throws {
        let booster = try Booster()
        XCTAssertThrowsError(try booster.loadModel(from: Data("{not a model".utf8))) { error in
            let e = error as? RungError
            XCTAssertEqual(e?.kind, .internal)
            XCTAssertTrue(e?.message.contains("XGBoosterLoadModelFromBuffer") == true, "\(error)")
            XCTAssertGreaterThan(e?.message.count ?? 0, "XGBoost call XGBoosterLoadModelFromBuffer failed: .".count + 5)
        }
        let matrix = try DMatrix(split.features, labels: split.labels)
        let bad = try Booster(cache: [matrix])
        try bad.setParameter("objective", "binary:no-such-objective")
        XCTAssertThrowsError(try bad.updateOneIteration(0, train: matrix)) { error in
            XCTAssertTrue("\(error)".contains("XGBoosterUpdateOneIter"), "\(error)")
            XCTAssertTrue("\(error)".contains("no-such-objective"), "\(error)")
        }
    }

    func testTrainPredictMarginsAndEvaluate() throws {
        let matrix = try DMatrix(split.features, labels: split.labels)
        XCTAssertEqual(matrix.rowCount, 400)
        XCTAssertEqual(matrix.columnCount, split.features.columnCount)
        let booster = try Booster(cache: [matrix])
        try booster.setParameters([("objective", "binary:logistic"), ("tree_method", "hist"), ("eval_metric", "auc"), ("nthread", "1")])
        for i in 0..<3 { try booster.updateOneIteration(i, train: matrix) }
        XCTAssertEqual(try booster.boostedRounds(), 3)
        let p = try booster.predict(matrix), m = try booster.predict(matrix, margin: true)
        XCTAssertEqual(p.count, 400)
        for i in 0..<400 {
            XCTAssertEqual(Double(p[i]), 1 / (1 + exp(-Double(m[i]))), accuracy: 1e-6)
        }
        let line = try booster.evaluate(iteration: 2, [("train", matrix)])
        XCTAssertTrue(line.hasPrefix("[2]\ttrain-auc:"), line)
        // XGBoost's AUC agrees with rung's.
        let xgbAUC = Double(line.split(separator: ":").last!)!
        let ours = try ClassificationMetrics.auc(labels: split.labels.map(Double.init), probabilities: p.map(Double.init))
        XCTAssertEqual(xgbAUC, ours.number!, accuracy: 1e-5)
        XCTAssertTrue(try booster.jsonConfig().contains("\"objective\""))
    }

    func testEmptyMatrixIsAccepted() throws {
        let empty = CSRMatrix(rowCount: 2, columnCount: 3, rowOffsets: [0, 0, 0], columnIndices: [], values: [])
        let matrix = try DMatrix(empty, labels: [0, 1])
        XCTAssertEqual(matrix.rowCount, 2)
    }
}
