import XCTest
@testable import RungCore

final class BestPerFamilyTests: XCTestCase {
    private func c(_ id: Int64, _ value: Double?, family: String = "xgb", epochs: Int = 3) -> BestPerFamily.Candidate {
        BestPerFamily.Candidate(id: id, family: family, epochs: epochs, value: value)
    }

    func testTheBestValueWinsInTheMetricsMode() {
        let trials = [c(1, 0.70), c(2, 0.75), c(3, 0.72)]
        XCTAssertEqual(BestPerFamily.best(of: trials, mode: .max)?.id, 2)
        XCTAssertEqual(BestPerFamily.best(of: trials, mode: .min)?.id, 1)
    }

    func testMissingAndNaNValuesAreNeverBest() {
        XCTAssertNil(BestPerFamily.best(of: [c(1, nil), c(2, .nan)], mode: .max))
        XCTAssertEqual(BestPerFamily.best(of: [c(1, nil), c(2, .nan), c(3, 0.1)], mode: .max)?.id, 3)
    }

    func testTiesGoToMoreEpochsThenTheLowerID() {
        XCTAssertEqual(BestPerFamily.best(of: [c(1, 0.5, epochs: 2), c(2, 0.5, epochs: 4)], mode: .max)?.id, 2)
        XCTAssertEqual(BestPerFamily.best(of: [c(5, 0.5), c(4, 0.5), c(6, 0.5)], mode: .min)?.id, 4)
    }

    func testOneBestPerFamily() {
        let best = BestPerFamily.best(perFamily: [c(1, 0.6, family: "a"), c(2, 0.9, family: "b"), c(3, 0.8, family: "a"), c(4, nil, family: "c")], mode: .max)
        XCTAssertEqual(best.mapValues(\.id), ["a": 3, "b": 2])
    }

    func testTheLeaderboardRanksByTheSameDefinition() {
        let metric = MetricSettings(name: "val_auc", mode: .max)
        let trials = (1...6).map { LeaderboardTrial(id: Int64($0), family: $0 % 2 == 0 ? "a" : "b", status: "finished", epochs: $0 % 3 + 1) }
        let values: [Double] = [0.7, 0.8, .nan, 0.8, 0.6, 0.8]
        let epochs = trials.enumerated().map { LeaderboardEpoch(trialID: $1.id, epoch: $1.epochs, metrics: ["val_auc": values[$0]]) }
        let board = Leaderboard(trials: trials, epochs: epochs, metric: metric)
        let candidates = trials.enumerated().map { c($1.id, values[$0], family: $1.family, epochs: $1.epochs) }
        let defined = BestPerFamily.best(perFamily: candidates, mode: .max)
        XCTAssertEqual(board.bestPerFamily.mapValues(\.trial.id), defined.mapValues(\.id))
        XCTAssertEqual(defined["a"]?.id, 2, "0.8 three times in family a: trial 2 has 3 epochs, 4 has 2, 6 has 1")
    }
}
