import Foundation
import XCTest

/// `rung data drift` end to end: a prepared synthetic data set whose second future batch
/// has `amount` shifted; the batches, a raw CSV and `rung serve`'s prediction log as the
/// current data; concept drift with a saved model.
final class DataDriftCommandTests: XCTestCase {
    private func json(_ r: RungProcess.Result) throws -> [String: Any] {
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
    }

    private func column(_ report: [String: Any], _ name: String) throws -> [String: Any] {
        let columns = try XCTUnwrap(report["columns"] as? [[String: Any]])
        return try XCTUnwrap(columns.first { $0["name"] as? String == name }, "no column \(name) in \(columns)")
    }

    func testAShiftedBatchDriftsAndAnUnshiftedOneDoesNot() throws {
        let scratch = try RungProcess.temporaryDirectory(self)
        let (_, _, data) = try ServeFixture.prepare(in: scratch, rows: 1200, shiftFrom: 900, futureBatches: 2)

        let calm = try json(RungProcess.run(["data", "drift", "--reference", data.path, "--current", "batch-1", "--json"]))
        XCTAssertEqual(try XCTUnwrap(calm["columns"] as? [[String: Any]]).map { $0["name"] as? String }, ["amount", "score", "size", "colour"])
        XCTAssertEqual(try column(calm, "amount")["drifted"] as? Bool, false, "\(calm)")
        XCTAssertEqual(calm["dataset_drift"] as? Bool, false)
        XCTAssertEqual(calm["current_rows"] as? Int, 300)
        XCTAssertEqual(calm["reference_rows"] as? Int, 360)

        let shifted = try json(RungProcess.run(["data", "drift", "--reference", data.path, "--current", "batch-2", "--json"]))
        let amount = try column(shifted, "amount")
        XCTAssertEqual(amount["drifted"] as? Bool, true, "\(amount)")
        XCTAssertEqual(amount["test"] as? String, "ks")
        XCTAssertLessThan(try XCTUnwrap(amount["p_value"] as? Double), 1e-10)
        XCTAssertGreaterThan(try XCTUnwrap(amount["psi"] as? Double), 1)
        XCTAssertEqual(try column(shifted, "colour")["test"] as? String, "chi2")
        XCTAssertEqual(try column(shifted, "colour")["drifted"] as? Bool, false)
        XCTAssertEqual(try XCTUnwrap(shifted["drift_share"] as? Double), 0.25, accuracy: 1e-12)
        XCTAssertEqual(shifted["dataset_drift"] as? Bool, false, "one column of four is below the default share 0.3")
        XCTAssertEqual((shifted["target"] as? [String: Any])?["test"] as? String, "chi2")
        let strict = try json(RungProcess.run(["data", "drift", "--reference", data.path, "--current", "batch-2", "--drift-share", "0.25", "--json"]))
        XCTAssertEqual(strict["dataset_drift"] as? Bool, true)

        let table = try RungProcess.run(["data", "drift", "--reference", data.path, "--current", "batch-2"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("1 of 4 columns drifted (share 0.25), data set drift: no"), table.stdout)

        // Concept drift: a model trained on the reference, scored on the shifted batch.
        let model = scratch.appendingPathComponent("model")
        _ = try ServeFixture.train(#"{"max_depth": 3}"#, data: data, into: model)
        let concept = try json(RungProcess.run(["data", "drift", "--reference", data.path, "--current", "batch-2", "--model", model.path, "--json"]))
        let facts = try XCTUnwrap(concept["model"] as? [String: Any])
        XCTAssertNotNil((facts["current"] as? [String: Double])?["auc"])
        XCTAssertNotNil((facts["recorded"] as? [String: Double])?["test_auc"])
        XCTAssertNotNil(facts["auc_drop"] as? Double)
        XCTAssertEqual(facts["rows"] as? Int, 300)

        let bad = try RungProcess.run(["data", "drift", "--reference", data.path, "--current", scratch.appendingPathComponent("none.csv").path])
        XCTAssertEqual(bad.status, 65, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("none.csv"), bad.stderr)
    }

    func testThePredictionLogOfRungServeIsCurrentData() throws {
        let scratch = try RungProcess.temporaryDirectory(self)
        let (_, _, data) = try ServeFixture.prepare(in: scratch, rows: 1200, shiftFrom: 900, futureBatches: 2)
        let model = scratch.appendingPathComponent("model")
        let params = #"{"max_depth": 3}"#
        let (metrics, version) = try ServeFixture.train(params, data: data, into: model)
        let fixture = try StoreFixture(self)
        try ServeFixture.register(model, fixture: fixture, metrics: metrics, dataVersion: version, params: params)
        let log = scratch.appendingPathComponent("predictions.jsonl")
        let server = try ServeProcess(fixture.args(["--model", "xgboost@production", "--prediction-log", log.path]), test: self)
        // The shifted rows, sent as a user would (the target is not needed).
        let body = "[" + (900..<1200).map { i -> String in
            let v = ServeFixture.row(i, shiftFrom: 900)
            let amount = v[1] == "?" ? "null" : v[1]
            return #"{"id": \#(v[0]), "amount": \#(amount), "score": \#(v[2]), "colour": "\#(v[3])", "size": "\#(v[4])"}"#
        }.joined(separator: ",") + "]"
        XCTAssertEqual(try HTTP.post(server.base, "/predict", body).status, 200)
        waitUntil("the log holds 300 lines", timeout: 30) {
            RungProcess.text(of: log).split(separator: "\n").count == 300
        }
        let report = try json(RungProcess.run(["data", "drift", "--reference", data.path, "--current", log.path, "--json"]))
        XCTAssertEqual(report["current_rows"] as? Int, 300)
        XCTAssertEqual(try column(report, "amount")["drifted"] as? Bool, true)
        XCTAssertNil(report["target"], "the log has no labels")
        // The same rows from the prepared batch give the same feature statistics.
        let batch = try json(RungProcess.run(["data", "drift", "--reference", data.path, "--current", "batch-2", "--json"]))
        for name in ["amount", "score", "size", "colour"] {
            XCTAssertEqual(try column(report, name)["p_value"] as? Double, try column(batch, name)["p_value"] as? Double, name)
        }
    }
}
