import Foundation
import XCTest

/// A 5-fold sweep on ~300 rows in the UCI heart format (issue 12, item 4), end to end with
/// `rung run`: the repository's heart-disease recipe (`split.folds: 5`) on a synthetic file
/// in the original format (never the data itself), every trial reporting the fold mean and
/// spread, and each family's best trial registered with its refitted model's test metrics.
final class CrossValidatedSweepTests: XCTestCase {
    /// 300 rows shaped like `processed.cleveland.data` (no header, `63.0`, `?` in ca and
    /// thal), whose `num` depends noisily on chol, thalach and cp.
    private func heartLike(rows: Int) -> String {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0 ..< rows).map { i in
            let chol = 150 + 200 * uniform(), thalach = 90 + 110 * uniform(), cp = 1 + Int(4 * uniform())
            let risk = (chol - 150) / 200 - (thalach - 90) / 220 + (cp == 4 ? 0.4 : 0) + 0.6 * uniform()
            let num = risk > 0.55 ? 1 + i % 4 : 0
            let ca = i % 50 == 0 ? "?" : "\(Double(i % 4))"
            let thal = i % 60 == 1 ? "?" : ["3.0", "6.0", "7.0"][i % 3]
            return "\(Double(40 + i % 35)),\(Double(i % 2)),\(Double(cp)),\(Double(110 + i % 50)),\(String(format: "%.1f", chol)),"
                + "\(Double(i % 5 == 0 ? 1 : 0)),\(Double(i % 3)),\(String(format: "%.1f", thalach)),\(Double(i % 2)),\(Double(i % 40) / 10),"
                + "\(Double(1 + i % 3)),\(ca),\(thal),\(num)\n"
        }.joined()
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testAFiveFoldSweepRunsEndToEndAndRegistersRefittedModels() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let datasets = dir.appendingPathComponent("datasets")
        try FileManager.default.createDirectory(at: datasets.appendingPathComponent("heart"), withIntermediateDirectories: true)
        try heartLike(rows: 300).write(to: datasets.appendingPathComponent("heart/processed.cleveland.data"), atomically: true, encoding: .utf8)
        let recipe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/datasets/heart-cleveland.yaml")
        let config = dir.appendingPathComponent("sweep.yaml")
        try """
            name: heart-cv
            seed: 3
            data: {source: uci-heart-cleveland, recipe: \(recipe.path)}
            metric: {name: val_auc, mode: max}
            searcher: {type: random}
            scheduler: {type: asha, max_epochs: 4, grace_period: 1, reduction_factor: 2}
            families:
              xgboost:
                trials: 4
                epoch: {rounds: 3}
                space: {max_depth: {type: int, low: 2, high: 4}}
              logistic_regression:
                trials: 3
                epoch: {rounds: 3}
                space: {reg_lambda: {type: loguniform, low: 0.01, high: 1}}
            register: {metric: test_auc, min_improvement: 0.002}
            """.write(to: config, atomically: true, encoding: .utf8)
        let db = "sqlite:" + dir.appendingPathComponent("rung.db").path
        let artifacts = dir.appendingPathComponent("artifacts").path
        let store = ["--db", db, "--artifacts", artifacts]
        let environment = ["RUNG_DATASETS": datasets.path]
        let run = try RungProcess.run(["run", config.path, "--workers", "2"] + store, in: dir, environment: environment)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)

        // Every family's best finished trial is registered, with the fold mean, its spread and
        // the refitted model's test metrics.
        for family in ["xgboost", "logistic_regression"] {
            let show = try RungProcess.run(["registry", "show", family, "--json"] + store, in: dir, environment: environment)
            XCTAssertEqual(show.status, 0, show.stdout + show.stderr)
            let document = try json(show.stdout)
            let metadata = try XCTUnwrap(document["metadata"] as? [String: Any], family)
            let metrics = try XCTUnwrap(metadata["metrics"] as? [String: Double], family)
            for name in ["val_auc", "val_auc_std", "val_logloss_std", "test_auc", "test_logloss"] {
                XCTAssertNotNil(metrics[name], "\(family) \(name): \(metrics)")
            }
            XCTAssertNil(metrics["test_auc_std"], family)
            XCTAssertGreaterThan(metrics["test_auc"] ?? 0, 0.6, "\(family) learns the synthetic signal: \(metrics)")
            let directory = try XCTUnwrap(document["directory"] as? String)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/model.json"), directory)
        }

        // The leaderboard shows each trial's spread across folds.
        let board = try RungProcess.run(["leaderboard", "1"] + store, in: dir, environment: environment)
        XCTAssertEqual(board.status, 0, board.stderr)
        XCTAssertTrue(board.stdout.contains(" ±0."), board.stdout)
        let csv = try RungProcess.run(["leaderboard", "1", "--csv"] + store, in: dir, environment: environment)
        XCTAssertTrue(csv.stdout.hasPrefix("rank,family_rank,trial,family,status,epochs,val_auc,worker,duration_seconds,params,val_auc_std\n"), csv.stdout)
        let report = dir.appendingPathComponent("report.html")
        let page = try RungProcess.run(["report", "1", "--out", report.path] + store, in: dir, environment: environment)
        XCTAssertEqual(page.status, 0, page.stderr)
        XCTAssertTrue(try String(contentsOf: report, encoding: .utf8).contains("across folds"))
    }
}
