import RungCore
import XCTest

final class LeaderboardTests: XCTestCase {
    private let auc = MetricSettings(name: "val_auc", mode: .max)
    private let loss = MetricSettings(name: "val_logloss", mode: .min)

    private func trial(_ id: Int64, _ family: String = "xgboost", epochs: Int, status: String = "finished") -> LeaderboardTrial {
        LeaderboardTrial(id: id, family: family, status: status, params: ["max_depth": .int(Int(id))], epochs: epochs)
    }

    private func report(_ id: Int64, _ epoch: Int, _ metrics: [String: Double]) -> LeaderboardEpoch {
        LeaderboardEpoch(trialID: id, epoch: epoch, metrics: metrics)
    }

    func testRanksByTheLastReportedEpochNotTheBestEpoch() {
        // Trial 1 peaked at 0.9 in epoch 1 but ended at 0.6; trial 2 ended at 0.7.
        let board = Leaderboard(
            trials: [trial(1, epochs: 2), trial(2, epochs: 2)],
            epochs: [report(1, 2, ["val_auc": 0.6]), report(1, 1, ["val_auc": 0.9]),
                     report(2, 1, ["val_auc": 0.5]), report(2, 2, ["val_auc": 0.7])],
            metric: auc)
        XCTAssertEqual(board.entries.map(\.trial.id), [2, 1])
        XCTAssertEqual(board.entries.map(\.value), [0.7, 0.6])
        XCTAssertEqual(board.entries.map(\.epoch), [2, 2])
        XCTAssertEqual(board.entries.map(\.rank), [1, 2])
    }

    func testMinModeRanksLowerFirst() {
        let board = Leaderboard(
            trials: [trial(1, epochs: 1), trial(2, epochs: 1), trial(3, epochs: 1)],
            epochs: [report(1, 1, ["val_logloss": 0.5]), report(2, 1, ["val_logloss": 0.3]),
                     report(3, 1, ["val_logloss": 0.4])],
            metric: loss)
        XCTAssertEqual(board.entries.map(\.trial.id), [2, 3, 1])
    }

    func testNaNMissingAndUnreportedTrialsRankLastInBothModes() {
        let trials = [trial(1, epochs: 1), trial(2, epochs: 1), trial(3, epochs: 0, status: "pending"),
                      trial(4, epochs: 1), trial(5, epochs: 1)]
        for metric in [auc, MetricSettings(name: "val_auc", mode: .min)] {
            let board = Leaderboard(
                trials: trials,
                epochs: [report(1, 1, ["val_auc": .nan]), report(2, 1, ["val_logloss": 0.2]),
                         report(4, 1, ["val_auc": 0.55]), report(5, 1, ["val_auc": -.infinity])],
                metric: metric)
            let ids = board.entries.map(\.trial.id)
            XCTAssertEqual(Set(ids.prefix(2)), [4, 5], "the two trials with a value come first (\(metric.mode))")
            XCTAssertEqual(ids.first, metric.mode == .max ? 4 : 5)
            XCTAssertEqual(Array(ids.suffix(3)), [1, 2, 3], "no value: more epochs first, then lower id")
            XCTAssertTrue(board.entries.suffix(3).allSatisfy { !$0.hasValue })
            XCTAssertNil(board.entries.last?.epoch, "trial 3 reported nothing")
        }
    }

    func testTiesGoToMoreEpochsThenLowerID() {
        let board = Leaderboard(
            trials: [trial(7, epochs: 3), trial(3, epochs: 3), trial(5, epochs: 9)],
            epochs: [report(7, 3, ["val_auc": 0.7]), report(3, 3, ["val_auc": 0.7]), report(5, 9, ["val_auc": 0.7])],
            metric: auc)
        XCTAssertEqual(board.entries.map(\.trial.id), [5, 3, 7])
    }

    func testFamilyRanksAndBestPerFamily() {
        let board = Leaderboard(
            trials: [trial(1, "xgboost", epochs: 1), trial(2, "logistic_regression", epochs: 1),
                     trial(3, "xgboost", epochs: 1), trial(4, "logistic_regression", epochs: 1),
                     trial(5, "random_forest", epochs: 0, status: "running")],
            epochs: [report(1, 1, ["val_auc": 0.61]), report(2, 1, ["val_auc": 0.66]),
                     report(3, 1, ["val_auc": 0.68]), report(4, 1, ["val_auc": 0.60])],
            metric: auc)
        XCTAssertEqual(board.entries.map(\.trial.id), [3, 2, 1, 4, 5])
        XCTAssertEqual(board.entries.map(\.familyRank), [1, 1, 2, 2, 1])
        XCTAssertEqual(board.families, ["xgboost", "logistic_regression", "random_forest"])
        XCTAssertEqual(board.entries(family: "xgboost").map(\.trial.id), [3, 1])
        XCTAssertEqual(board.top(1, family: "logistic_regression").map(\.trial.id), [2])
        XCTAssertEqual(board.top(2).map(\.trial.id), [3, 2])
        XCTAssertEqual(board.top(0), [])
        let best = board.bestPerFamily
        XCTAssertEqual(best["xgboost"]?.trial.id, 3)
        XCTAssertEqual(best["logistic_regression"]?.value, 0.66)
        XCTAssertNil(best["random_forest"], "a family without values has no best yet")
        XCTAssertEqual(board.best?.trial.id, 3)
        XCTAssertEqual(board.entries.first?.metrics, ["val_auc": 0.68])
        XCTAssertEqual(board.entries.first?.trial.params, ["max_depth": .int(3)])
    }

    func testBestSoFarIsARunningBestInTrialOrder() {
        let board = Leaderboard(
            trials: [trial(1, epochs: 1), trial(2, epochs: 1), trial(3, epochs: 1), trial(4, epochs: 1)],
            epochs: [report(1, 1, ["val_logloss": .nan]), report(2, 1, ["val_logloss": 0.5]),
                     report(3, 1, ["val_logloss": 0.6]), report(4, 1, ["val_logloss": 0.4])],
            metric: loss)
        let curve = board.bestSoFar(family: "xgboost")
        XCTAssertEqual(curve.map(\.trialID), [1, 2, 3, 4])
        XCTAssertTrue(curve[0].value.isNaN)
        XCTAssertEqual(curve.dropFirst().map(\.value), [0.5, 0.5, 0.4])
    }

    func testNoTrialsNoBest() {
        let board = Leaderboard(trials: [], epochs: [report(9, 1, ["val_auc": 0.9])], metric: auc)
        XCTAssertTrue(board.entries.isEmpty)
        XCTAssertNil(board.best)
        XCTAssertTrue(board.bestPerFamily.isEmpty)
    }

    /// Random boards: every adjacent pair is in order by the documented rule, ranks are
    /// 1…n, family ranks count up within each family, and the order does not depend on
    /// the order the trials and reports were given in.
    func testRandomBoardsAreTotallyOrderedAndStable() {
        var generator = SeededGenerator(seed: 2026)
        for round in 0..<200 {
            let count = Int.random(in: 0...25, using: &generator)
            var trials: [LeaderboardTrial] = []
            var reports: [LeaderboardEpoch] = []
            var lastValue: [Int64: Double] = [:]
            for index in 0..<count {
                let id = Int64(index * 3 + 1)
                let epochs = Int.random(in: 0...4, using: &generator)
                trials.append(trial(id, ["a", "b", "c"].randomElement(using: &generator)!, epochs: epochs))
                for epoch in stride(from: 1, through: epochs, by: 1) {
                    let roll = Int.random(in: 0..<10, using: &generator)
                    let value = roll == 0 ? Double.nan : Double(Int.random(in: 0...5, using: &generator)) / 10
                    reports.append(report(id, epoch, roll == 1 ? ["other": 1] : ["val_auc": value]))
                    lastValue[id] = roll == 1 ? .nan : value
                }
            }
            let mode: OptimizationMode = round.isMultiple(of: 2) ? .max : .min
            let metric = MetricSettings(name: "val_auc", mode: mode)
            let board = Leaderboard(trials: trials, epochs: reports, metric: metric)
            XCTAssertEqual(board.entries.map(\.rank), Array(stride(from: 1, through: count, by: 1)))
            for (a, b) in zip(board.entries, board.entries.dropFirst()) {
                let va = lastValue[a.trial.id] ?? .nan, vb = lastValue[b.trial.id] ?? .nan
                if va.isNaN { XCTAssertTrue(vb.isNaN, "a value never ranks below a missing one") }
                if !va.isNaN, !vb.isNaN, va != vb { XCTAssertEqual(va > vb, mode == .max) }
                if va == vb || (va.isNaN && vb.isNaN) {
                    XCTAssertTrue(a.trial.epochs > b.trial.epochs || (a.trial.epochs == b.trial.epochs && a.trial.id < b.trial.id))
                }
            }
            var seen: [String: Int] = [:]
            for entry in board.entries {
                seen[entry.trial.family, default: 0] += 1
                XCTAssertEqual(entry.familyRank, seen[entry.trial.family])
            }
            let shuffled = Leaderboard(trials: trials.shuffled(using: &generator), epochs: reports.shuffled(using: &generator), metric: metric)
            XCTAssertEqual(shuffled.entries.map(\.trial.id), board.entries.map(\.trial.id))
        }
    }
}
