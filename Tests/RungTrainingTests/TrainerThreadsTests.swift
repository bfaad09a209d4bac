import Foundation
import RungCore
import RungTraining
import XCTest

/// What changing XGBoost's `nthread` between epochs (a worker lending a trial an idle
/// core) does to each family's model.
final class TrainerThreadsTests: XCTestCase {
    static let train = SyntheticData.split(rows: 6000, seed: 11)
    static let validation = SyntheticData.split(rows: 1000, seed: 12)

    static let familyParams: [String: [String: ParamValue]] = [
        "xgboost": ["max_depth": .int(6), "learning_rate": .double(0.1), "subsample": .double(0.8),
                    "colsample_bytree": .double(0.7), "rounds": .int(5)],
        "random_forest": ["max_depth": .int(8), "trees_per_epoch": .int(4), "subsample": .double(0.7),
                          "colsample_bynode": .double(0.6)],
        "logistic_regression": ["reg_alpha": .double(0.001), "reg_lambda": .double(0.01), "rounds": .int(5)],
    ]

    func model(_ family: String, threadsPerEpoch: [Int]) throws -> Data {
        let trainer = try Trainer(family: family, params: Self.familyParams[family]!, seed: 5, threads: threadsPerEpoch[0],
                                  train: Self.train, validation: Self.validation)
        for threads in threadsPerEpoch {
            try trainer.setThreads(threads)
            _ = try trainer.runEpoch()
        }
        return try trainer.modelData()
    }

    func testChangingThreadsBetweenEpochsKeepsTheModelWhereTheFamilySaysSo() throws {
        var independent: [String] = []
        for family in TrainerFamilies.all.map({ $0.name }) where TrainerFamilies.threadsKeepModel(family: family) {
            independent.append(family)
            let single = try model(family, threadsPerEpoch: [1, 1, 1, 1])
            XCTAssertTrue(try model(family, threadsPerEpoch: [1, 2, 2, 1]) == single, "\(family): lent a core for two epochs")
            XCTAssertTrue(try model(family, threadsPerEpoch: [2, 2, 2, 2]) == single, "\(family): two threads throughout")
        }
        XCTAssertEqual(independent, ["xgboost", "random_forest"])
        XCTAssertFalse(TrainerFamilies.threadsKeepModel(family: "logistic_regression"))
        XCTAssertFalse(TrainerFamilies.threadsKeepModel(family: "command"))
    }

    func testThreadsMustBePositive() throws {
        let trainer = try Trainer(family: "xgboost", params: [:], seed: 1, train: Self.train, validation: Self.validation)
        XCTAssertThrowsError(try trainer.setThreads(0)) { XCTAssertEqual(($0 as? RungError)?.kind, .usage) }
        try trainer.setThreads(2)
        XCTAssertEqual(trainer.threads, 2)
    }
}
