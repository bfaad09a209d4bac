import XCTest
@testable import RungCore

/// `warm_start: history`: observations told to a family's TPE before its first suggestion.
final class FamilyTunerHistoryTests: XCTestCase {
    let yaml = """
    name: history
    seed: 11
    data: {source: x.csv}
    metric: {name: val_auc, mode: max}
    searcher: {type: tpe, startup_trials: 5}
    families:
      xgboost:
        trials: 10
        warm_start: history
        space:
          max_depth: {type: int, low: 2, high: 10}
          learning_rate: {type: loguniform, low: 0.01, high: 0.3}
    """

    func firstParams(_ tuner: inout FamilyTuner) -> [String: ParamValue]? {
        guard case .start(_, let params)? = tuner.nextAssignment() else { return nil }
        return params
    }

    func testHistoryMakesTheFirstSuggestionComeFromTheModel() throws {
        let config = try SweepConfigParser.parse(yaml: yaml, file: "history.yaml")
        XCTAssertEqual(config.families[0].warmStart, .history)
        var cold = FamilyTuner(config: config, familyIndex: 0)
        var warm = FamilyTuner(config: config, familyIndex: 0)
        var told: [(params: [String: ParamValue], value: Double)] = []
        for i in 0..<12 {
            told.append((["max_depth": .int(2 + i % 9), "learning_rate": .double(0.01 + Double(i) * 0.02)], i < 3 ? 0.95 : 0.5))
        }
        told.append((["max_depth": .int(4), "learning_rate": .double(0.1)], .nan))
        warm.tellHistory(told, budget: 10)
        let coldFirst = try XCTUnwrap(firstParams(&cold))
        let warmFirst = try XCTUnwrap(firstParams(&warm))
        XCTAssertNotEqual(coldFirst, warmFirst, "a cold TPE draws its first start-up point; a told one samples its model")
        XCTAssertEqual(warm.started, 1, "the told observations use no trial budget")
        XCTAssertFalse(warm.isWarmStart(0))
    }

    func testWarmStartHistoryParsesAndBadValuesNameTheChoices() throws {
        let bad = yaml.replacingOccurrences(of: "warm_start: history", with: "warm_start: yesterday")
        XCTAssertThrowsError(try SweepConfigParser.parse(yaml: bad, file: "h.yaml")) { error in
            XCTAssertTrue("\(error)".contains("none, production or history"), "\(error)")
        }
    }

    func testTrackingParsesAndANonHTTPURIIsRefused() throws {
        let tracked = yaml + "\ntracking: {mlflow: \"http://127.0.0.1:5000\", experiment: churn}\n"
        let config = try SweepConfigParser.parse(yaml: tracked, file: "t.yaml")
        XCTAssertEqual(config.tracking, TrackingSettings(mlflow: "http://127.0.0.1:5000", experiment: "churn"))
        let bad = yaml + "\ntracking: {mlflow: \"ftp://x\"}\n"
        XCTAssertThrowsError(try SweepConfigParser.parse(yaml: bad, file: "t.yaml")) { error in
            XCTAssertTrue("\(error)".contains("t.yaml:") && "\(error)".contains("tracking.mlflow"), "\(error)")
        }
    }
}
