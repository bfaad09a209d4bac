import RungCore
import RungData
import RungTraining
import XCTest

final class TrainerParameterTests: XCTestCase {
    let data = SyntheticData.split(rows: 100, seed: 11)

    func assertBadInput(_ family: String, _ params: [String: ParamValue], mentions words: [String],
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Trainer(family: family, params: params, seed: 1, train: data, validation: data),
                             file: file, line: line) { error in
            XCTAssertEqual((error as? RungError)?.kind, .badInput, file: file, line: line)
            for word in words {
                XCTAssertTrue("\(error)".contains(word), "'\(word)' missing from: \(error)", file: file, line: line)
            }
        }
    }

    func testUnknownParameterIsNamed() {
        assertBadInput("xgboost", ["max_detph": .int(3)], mentions: ["'max_detph'", "xgboost", "max_depth"])
        assertBadInput("random_forest", ["learning_rate": .double(0.1)], mentions: ["'learning_rate'", "random_forest"])
        assertBadInput("logistic_regression", ["max_depth": .int(3)], mentions: ["'max_depth'"])
    }

    func testOutOfRangeParameterNamesValueAndRange() {
        assertBadInput("xgboost", ["max_depth": .int(31)], mentions: ["'max_depth'", "31", "[1, 30]"])
        assertBadInput("xgboost", ["learning_rate": .double(0)], mentions: ["'learning_rate'", "(0, 1]"])
        assertBadInput("xgboost", ["eta": .double(1.5)], mentions: ["'eta'", "alias of learning_rate", "1.5"])
        assertBadInput("xgboost", ["reg_alpha": .double(-1)], mentions: ["'reg_alpha'", "[0, ∞)"])
        assertBadInput("xgboost", ["subsample": .double(.nan)], mentions: ["'subsample'"])
        assertBadInput("random_forest", ["subsample": .double(1)], mentions: ["'subsample'", "(0, 1)"])
        assertBadInput("logistic_regression", ["lambda": .double(-0.5)], mentions: ["'lambda'", "-0.5"])
        assertBadInput("xgboost", ["max_depth": .double(4.5)], mentions: ["'max_depth'", "4.5", "integer"])
        assertBadInput("xgboost", ["max_depth": .string("deep")], mentions: ["'max_depth'", "deep"])
    }

    func testAliasAndCanonicalNameTogetherAreRejected() {
        assertBadInput("xgboost", ["eta": .double(0.1), "learning_rate": .double(0.2)], mentions: ["twice"])
    }

    func testUnknownFamilyIsNamed() {
        assertBadInput("svm", [:], mentions: ["'svm'", "xgboost", "random_forest", "logistic_regression"])
    }

    func testAliasesResolveToCanonicalNamesWithDefaults() throws {
        let resolved = try TrainerFamilies.resolveParameters(family: "logistic_regression",
                                                             ["alpha": .int(1), "lambda": .double(0.5), "rounds": .double(3)])
        XCTAssertEqual(resolved["reg_alpha"], .double(1))
        XCTAssertEqual(resolved["reg_lambda"], .double(0.5))
        XCTAssertEqual(resolved["rounds"], .int(3))
        XCTAssertEqual(resolved["learning_rate"], .double(0.5))
        XCTAssertNil(resolved["alpha"])
        let trainer = try Trainer(family: "xgboost", params: ["eta": .double(0.2)], seed: 3, train: data, validation: data)
        XCTAssertEqual(trainer.parameters["learning_rate"], .double(0.2))
        XCTAssertEqual(trainer.parameters["rounds"], .int(10))
    }

    func testParamValueJSONIsAPlainScalar() throws {
        let values: [String: ParamValue] = ["a": .int(3), "b": .double(0.25), "c": .string("l2")]
        let data = try JSONEncoder().encode(values)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"a\":3") && text.contains("\"b\":0.25") && text.contains("\"c\":\"l2\""), text)
        XCTAssertEqual(try JSONDecoder().decode([String: ParamValue].self, from: data), values)
    }

    func testLogisticRegressionPenaltyIsGivenOneWayOnly() {
        assertBadInput("logistic_regression", ["penalty": .string("l2"), "reg_lambda": .double(0.1)],
                       mentions: ["'penalty'", "'reg_lambda'"])
        assertBadInput("logistic_regression", ["penalty": .string("l2"), "l1_ratio": .double(0.3)],
                       mentions: ["'l1_ratio'", "elasticnet"])
        assertBadInput("logistic_regression", ["C": .double(2)], mentions: ["'C'", "needs 'penalty'"])
        assertBadInput("logistic_regression", ["penalty": .string("ridge")], mentions: ["'penalty'", "ridge", "l2, l1, elasticnet"])
        assertBadInput("logistic_regression", ["penalty": .string("l1"), "C": .double(0)], mentions: ["'C'", "(0, ∞)"])
    }

    /// scikit-learn's C·Σ loss + ρ‖w‖₁ + (1 − ρ)/2‖w‖² is XGBoost's mean loss with
    /// reg_alpha = ρ/(C·n), reg_lambda = (1 − ρ)/(C·n): both spellings train the same model.
    func testScikitLearnPenaltyMapsToPerRowStrengths() throws {
        let n = Double(data.labels.count)
        let cases: [([String: ParamValue], [String: ParamValue])] = [
            (["penalty": .string("l2"), "C": .double(0.05)], ["reg_lambda": .double(1 / (0.05 * n))]),
            (["penalty": .string("l1"), "C": .double(0.5)], ["reg_alpha": .double(1 / (0.5 * n))]),
            (["penalty": .string("elasticnet"), "C": .double(0.1), "l1_ratio": .double(0.25)],
             ["reg_alpha": .double(0.25 / (0.1 * n)), "reg_lambda": .double(0.75 / (0.1 * n))]),
            (["penalty": .string("none")], [:]),
        ]
        for (sklearnStyle, xgboostStyle) in cases {
            let a = try Trainer(family: "logistic_regression", params: sklearnStyle, seed: 1, train: data, validation: data)
            let b = try Trainer(family: "logistic_regression", params: xgboostStyle, seed: 1, train: data, validation: data)
            _ = try a.runEpoch()
            _ = try b.runEpoch()
            XCTAssertTrue(try a.modelData() == b.modelData(), "\(sklearnStyle) vs \(xgboostStyle)")
        }
        // A stronger penalty shrinks the weights: the strongest L1 gives a different model.
        let strong = try Trainer(family: "logistic_regression", params: ["penalty": .string("l1"), "C": .double(0.001)],
                                 seed: 1, train: data, validation: data)
        let weak = try Trainer(family: "logistic_regression", params: ["penalty": .string("l1"), "C": .double(1000)],
                               seed: 1, train: data, validation: data)
        _ = try strong.runEpoch()
        _ = try weak.runEpoch()
        XCTAssertFalse(try strong.modelData() == weak.modelData())
    }
}
