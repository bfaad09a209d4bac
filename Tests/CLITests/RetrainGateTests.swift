import Foundation
import XCTest

/// The nightly `retrain:` gate through `rung run`: the first night trains (no production
/// model), an undrifted batch is skipped with exit status 6, a drifted batch trains, and
/// `when: degraded` skips while production holds its AUC.
final class RetrainGateTests: XCTestCase {
    private func config(in dir: URL, retrain: String) throws -> URL {
        let url = dir.appendingPathComponent("nightly.yaml")
        try """
        name: gate-test
        seed: 7
        data: {source: raw.csv, recipe: recipe.yaml, through_batch: latest}
        metric: {name: val_auc, mode: max}
        searcher: {type: random}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 2
            epoch: {rounds: 3}
            space:
              max_depth: {type: int, low: 2, high: 4}
        register: {metric: test_auc, min_improvement: 0.002}
        retrain: \(retrain)
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func run(_ config: URL, in dir: URL, json: Bool = false) throws -> RungProcess.Result {
        try RungProcess.run(["run", config.path, "--workers", "1", "--db", "sqlite:\(dir.path)/rung.db",
                             "--artifacts", dir.appendingPathComponent("artifacts").path] + (json ? ["--json"] : []), in: dir)
    }

    private func advance(_ config: URL, in dir: URL) throws {
        let r = try RungProcess.run(["data", "advance", config.path, "--artifacts", dir.appendingPathComponent("artifacts").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testTheGateSkipsAnUndriftedBatchAndTrainsOnADriftedOne() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        // 1,200 rows: 600 initial, future batch 1 = rows 600–899, batch 2 = rows 900–1199 with `amount` shifted.
        _ = try ServeFixture.prepare(in: dir, rows: 1200, shiftFrom: 900, futureBatches: 2)
        let nightly = try config(in: dir, retrain: "{when: drift, drift_share: 0.25}")

        let first = try run(nightly, in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("retrain (drift): yes — no production model yet for xgboost"), first.stdout)

        try advance(nightly, in: dir)
        let calm = try run(nightly, in: dir)
        XCTAssertEqual(calm.status, 6, "an undrifted batch skips the sweep: \(calm.stdout)\n\(calm.stderr)")
        XCTAssertTrue(calm.stdout.contains("drift of future batch 1 against the initial train split:"), calm.stdout)
        XCTAssertTrue(calm.stdout.contains("0 of 4 columns drifted"), calm.stdout)
        XCTAssertTrue(calm.stdout.contains("retrain (drift): no — only 0 of 4 columns drifted (share 0.00 < 0.25)"), calm.stdout)
        XCTAssertTrue(calm.stdout.contains("xgboost@1 (production): test AUC"), calm.stdout)
        let json = try run(nightly, in: dir, json: true)
        XCTAssertEqual(json.status, 6)
        let decision = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stdout)
        XCTAssertEqual(decision["retrain"] as? Bool, false)
        XCTAssertEqual(decision["batch"] as? Int, 1)
        XCTAssertEqual((decision["drift"] as? [String: Any])?["drift_share"] as? Double, 0)
        XCTAssertEqual((decision["families"] as? [[String: Any]])?.first?["version"] as? Int, 1)

        try advance(nightly, in: dir)
        let drifted = try run(nightly, in: dir)
        XCTAssertEqual(drifted.status, 0, drifted.stderr)
        XCTAssertTrue(drifted.stdout.contains("retrain (drift): yes — 1 of 4 columns drifted (share 0.25 ≥ 0.25)"), drifted.stdout)
        XCTAssertTrue(drifted.stdout.contains("amount  numeric"), drifted.stdout)

        // Degraded: production keeps its AUC on batch 2 within 0.5, so no sweep.
        let degraded = try config(in: dir, retrain: "{when: degraded, max_auc_drop: 0.5}")
        let kept = try run(degraded, in: dir)
        XCTAssertEqual(kept.status, 6, kept.stdout + kept.stderr)
        XCTAssertTrue(kept.stdout.contains("retrain (degraded): no — no production model lost more than 0.5 AUC on batch 2"), kept.stdout)

        // Every decision is kept in the artifacts.
        let kept_ = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("artifacts/retrain-gate").path)
        XCTAssertEqual(kept_.count, 5, "\(kept_)")

        let bad = try config(in: dir, retrain: "{when: sometimes}")
        let refused = try run(bad, in: dir)
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("retrain.when must be always, drift or degraded"), refused.stderr)
    }
}
