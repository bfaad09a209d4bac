import XCTest
@testable import RungCore

/// Reference values were computed once with scikit-learn 1.9.1 by
/// `bench/reference/metrics_reference.py` (hard predictions `p > 0.5`, zero_division=0,
/// log_loss(..., labels=[0, 1])), and are copied here as literals.
final class MetricsTests: XCTestCase {
    struct Reference {
        var auc: Double?, prAUC: Double?, logloss: Double, brier: Double
        var accuracy: Double, precision: Double, recall: Double, f1: Double
    }

    func assertMatches(_ labels: [Double], _ probabilities: [Double], _ ref: Reference,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let set = try MetricSet(labels: labels, probabilities: probabilities)
        func check(_ value: MetricValue, _ expected: Double?, _ name: String) {
            switch (value, expected) {
            case (.value(let v), .some(let e)):
                XCTAssertEqual(v, e, accuracy: 1e-9, name, file: file, line: line)
            case (.undefined, .none):
                break
            default:
                XCTFail("\(name): got \(value), expected \(String(describing: expected))", file: file, line: line)
            }
        }
        check(set.auc, ref.auc, "auc")
        check(set.prAUC, ref.prAUC, "pr_auc")
        XCTAssertEqual(set.logloss, ref.logloss, accuracy: 1e-9, "logloss", file: file, line: line)
        XCTAssertEqual(set.brier, ref.brier, accuracy: 1e-9, "brier", file: file, line: line)
        XCTAssertEqual(set.accuracy, ref.accuracy, accuracy: 1e-9, "accuracy", file: file, line: line)
        XCTAssertEqual(set.precision, ref.precision, accuracy: 1e-9, "precision", file: file, line: line)
        XCTAssertEqual(set.recall, ref.recall, accuracy: 1e-9, "recall", file: file, line: line)
        XCTAssertEqual(set.f1, ref.f1, accuracy: 1e-9, "f1", file: file, line: line)
        // The single-metric functions agree with the set.
        XCTAssertEqual(try ClassificationMetrics.auc(labels: labels, probabilities: probabilities), set.auc)
        XCTAssertEqual(try ClassificationMetrics.averagePrecision(labels: labels, probabilities: probabilities), set.prAUC)
        XCTAssertEqual(try ClassificationMetrics.logLoss(labels: labels, probabilities: probabilities), set.logloss)
        XCTAssertEqual(try ClassificationMetrics.f1(labels: labels, probabilities: probabilities), set.f1)
    }

    func testTies() throws {
        try assertMatches([0, 0, 1, 1, 0, 1, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.4, 0.8, 0.2, 0.5, 0.5, 0.9],
                          Reference(auc: 0.72, prAUC: 0.7116666666666667, logloss: 0.6535143995745052, brier: 0.21825,
                                    accuracy: 0.6, precision: 0.6666666666666666, recall: 0.4, f1: 0.5))
    }

    func testSinglePositiveClassMakesRankingMetricsUndefined() throws {
        try assertMatches([1, 1, 1], [0.2, 0.7, 0.9],
                          Reference(auc: nil, prAUC: nil, logloss: 0.6904911240102196, brier: 0.24666666666666673,
                                    accuracy: 0.6666666666666666, precision: 1.0, recall: 0.6666666666666666, f1: 0.8))
        let set = try MetricSet(labels: [1, 1, 1], probabilities: [0.2, 0.7, 0.9])
        guard case .undefined(let reason) = set.auc else { return XCTFail("AUC must be undefined") }
        XCTAssertTrue(reason.contains("only class 1"), reason)
        XCTAssertNil(set.named(.val)["val_auc"])
        XCTAssertNotNil(set.undefined(for: .val)["val_pr_auc"])
    }

    func testSingleNegativeClassGivesZeroRecallAndF1() throws {
        try assertMatches([0, 0, 0, 0], [0.1, 0.6, 0.3, 0.0],
                          Reference(auc: nil, prAUC: nil, logloss: 0.3445815478676785, brier: 0.11499999999999999,
                                    accuracy: 0.75, precision: 0.0, recall: 0.0, f1: 0.0))
    }

    func testExtremeProbabilitiesAreClipped() throws {
        try assertMatches([0, 1, 1, 0, 1, 0], [0.0, 1.0, 0.0, 1.0, 0.999999, 1e-12],
                          Reference(auc: 0.5555555555555556, prAUC: 0.5555555555555556, logloss: 12.014551296372632,
                                    brier: 0.3333333333335, accuracy: 0.6666666666666666,
                                    precision: 0.6666666666666666, recall: 0.6666666666666666, f1: 0.6666666666666666))
    }

    func testAllPredictedNegativeGivesZeroPrecision() throws {
        try assertMatches([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4],
                          Reference(auc: 0.75, prAUC: 0.8333333333333333, logloss: 0.7469410259762035, brier: 0.275,
                                    accuracy: 0.5, precision: 0.0, recall: 0.0, f1: 0.0))
    }

    func testProbabilityExactlyHalfPredictsNegative() throws {
        try assertMatches([1, 0, 1, 0], [0.5, 0.5, 0.7, 0.2],
                          Reference(auc: 0.875, prAUC: 0.8333333333333333, logloss: 0.4915282140932082,
                                    brier: 0.15750000000000003, accuracy: 0.75, precision: 1.0, recall: 0.5,
                                    f1: 0.6666666666666666))
    }

    /// The generator of `lcg_vector` in the reference script: 64-bit LCG, 53-bit uniforms,
    /// probabilities on a 0.01 grid (many ties).
    static func referenceVector(count: Int, seed: UInt64) -> (labels: [Double], probabilities: [Double]) {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / 9007199254740992.0
        }
        var labels: [Double] = [], probabilities: [Double] = []
        for _ in 0..<count {
            let p = (next() * 101).rounded(.down) / 100
            let y: Double = next() < 0.25 + 0.5 * p ? 1 : 0
            labels.append(y)
            probabilities.append(p)
        }
        return (labels, probabilities)
    }

    func testLargerVectorWithManyTies() throws {
        let (labels, probabilities) = Self.referenceVector(count: 500, seed: 20261122)
        // Guard that the generator matches the script's (first values it printed; 243 positives).
        XCTAssertEqual(Array(labels.prefix(8)), [1, 0, 1, 0, 0, 1, 1, 0])
        XCTAssertEqual(Array(probabilities.prefix(8)), [0.62, 0.7, 0.21, 0.55, 0.52, 0.77, 0.71, 0.97])
        XCTAssertEqual(labels.reduce(0, +), 243)
        try assertMatches(labels, probabilities,
                          Reference(auc: 0.6313429728907464, prAUC: 0.6107817106042133, logloss: 0.9147978175338155,
                                    brier: 0.2644056000000001, accuracy: 0.592, precision: 0.5795918367346938,
                                    recall: 0.5843621399176955, f1: 0.5819672131147541))
    }

    func testAUCDoesNotDependOnRowOrder() throws {
        let (labels, probabilities) = Self.referenceVector(count: 300, seed: 7)
        let permutation = Array((0..<300).reversed())
        let a = try MetricSet(labels: labels, probabilities: probabilities)
        let b = try MetricSet(labels: permutation.map { labels[$0] }, probabilities: permutation.map { probabilities[$0] })
        XCTAssertEqual(a.auc.number!, b.auc.number!, accuracy: 1e-12)
        XCTAssertEqual(a.prAUC.number!, b.prAUC.number!, accuracy: 1e-12)
    }

    func testInvalidInputsAreRejectedWithTheirPosition() {
        XCTAssertThrowsError(try MetricSet(labels: [], probabilities: []))
        XCTAssertThrowsError(try MetricSet(labels: [0, 1], probabilities: [0.5]))
        XCTAssertThrowsError(try MetricSet(labels: [0, 2], probabilities: [0.5, 0.5])) { error in
            XCTAssertTrue("\(error)".contains("row 1"), "\(error)")
        }
        XCTAssertThrowsError(try MetricSet(labels: [0, 1], probabilities: [0.5, .nan])) { error in
            XCTAssertEqual((error as? RungError)?.kind, .badInput)
            XCTAssertTrue("\(error)".contains("row 1"), "\(error)")
        }
        XCTAssertThrowsError(try MetricSet(labels: [0, 1], probabilities: [1.5, 0.5]))
    }

    func testNamedMetricsUseTheSplitPrefix() throws {
        let set = try MetricSet(labels: [0, 1, 1, 0], probabilities: [0.2, 0.9, 0.6, 0.4])
        let named = set.named(.test)
        XCTAssertEqual(Set(named.keys), Set(Metric.allCases.map { "test_" + $0.rawValue }))
        XCTAssertEqual(named["test_auc"], 1.0)
        XCTAssertEqual(named["test_pr_auc"], 1.0)
    }
}
