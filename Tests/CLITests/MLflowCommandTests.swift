import Foundation
import XCTest

/// `rung run --mlflow` and `rung export mlflow` against a real MLflow server: the sweep's
/// runs and metric histories, the registered model with its `production` alias, loaded by
/// `mlflow.xgboost.load_model` and `mlflow.pyfunc.load_model` and giving the same
/// probabilities as `rung predict`.
final class MLflowCommandTests: XCTestCase {
    func testARunExportsToMLflowAndItsProductionModelPredictsTheSameThere() throws {
        let server = try MLflowTestServer()
        defer { server.kill() }
        let dir = try RungProcess.temporaryDirectory(self)
        let data = try RungProcess.syntheticPreparedData(in: dir)
        let config = dir.appendingPathComponent("sweep.yaml")
        try """
        name: mlflow-cli
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        scheduler: {type: fifo, max_epochs: 3}
        register: {metric: test_auc}
        families:
          xgboost:
            trials: 3
            space: {max_depth: {type: int, low: 2, high: 4}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let store = ["--db", "sqlite:\(dir.path)/rung.db", "--artifacts", dir.appendingPathComponent("artifacts").path]
        let run = try RungProcess.run(["run", config.path, "--workers", "1", "--mlflow", server.uri] + store, in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)

        let show = try RungProcess.run(["sweep", "show", "1"] + store)
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("mlflow export: up to date"), show.stdout)

        let predictions = dir.appendingPathComponent("predictions.csv")
        let predict = try RungProcess.run(["predict", "--model", "xgboost@production", "--input", data.appendingPathComponent("test.csv").path,
                                           "--out", predictions.path] + store)
        XCTAssertEqual(predict.status, 0, predict.stderr)

        let reference = RungProcess.packageRoot.appendingPathComponent("bench/reference").path
        let output = try server.python("""
        import csv, json, math, sys
        import numpy as np, pandas as pd, xgboost as xgb, mlflow
        from mlflow.tracking import MlflowClient
        sys.path.insert(0, \(String(reflecting: reference)))
        from predict_with_python import encode
        c = MlflowClient()
        e = c.get_experiment_by_name("mlflow-cli")
        runs = c.search_runs([e.experiment_id], max_results=1000)
        parent = [r for r in runs if r.data.tags.get("rung.role") == "sweep"]
        trials = [r for r in runs if r.data.tags.get("rung.role") == "trial"]
        steps = sorted(m.step for m in c.get_metric_history(trials[0].info.run_id, "val_auc"))
        uri = "models:/xgboost@production"
        local = mlflow.artifacts.download_artifacts(artifact_uri=uri)
        pre = json.load(open(local + "/rung/preprocessor.json"))
        with open(\(String(reflecting: data.appendingPathComponent("test.csv").path)), newline="") as f:
            reader = csv.reader(f); header = next(reader); rows = list(reader)
        x = encode(pre, rows, header)
        booster = mlflow.xgboost.load_model(uri)
        flavour = booster.predict(xgb.DMatrix(x, missing=math.nan))
        pyfunc = np.asarray(mlflow.pyfunc.load_model(uri).predict(pd.DataFrame(x, columns=pre["feature_names"])))
        with open(\(String(reflecting: predictions.path)), newline="") as f:
            reader = csv.reader(f); h = next(reader); theirs = np.array([float(r[h.index("probability")]) for r in reader])
        aliases = c.get_registered_model("xgboost").aliases
        print(json.dumps({"parents": len(parent), "trials": len(trials), "parent_ok": all(t.data.tags.get("mlflow.parentRunId") == parent[0].info.run_id for t in trials),
                          "statuses": sorted(t.info.status for t in trials), "steps": steps, "rows": len(theirs),
                          "flavour_diff": float(np.max(np.abs(flavour - theirs))), "pyfunc_diff": float(np.max(np.abs(pyfunc - theirs))),
                          "aliases": {k: str(v) for k, v in aliases.items()}}))
        """)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], output)
        XCTAssertEqual(result["parents"] as? Int, 1)
        XCTAssertEqual(result["trials"] as? Int, 3)
        XCTAssertEqual(result["parent_ok"] as? Bool, true)
        XCTAssertEqual(result["statuses"] as? [String], ["FINISHED", "FINISHED", "FINISHED"])
        XCTAssertEqual(result["steps"] as? [Int], [1, 2, 3])
        XCTAssertGreaterThan(result["rows"] as? Int ?? 0, 0)
        XCTAssertLessThanOrEqual(result["flavour_diff"] as? Double ?? 1, 1e-6, "mlflow.xgboost predicts what rung predict does")
        XCTAssertLessThanOrEqual(result["pyfunc_diff"] as? Double ?? 1, 1e-6, "mlflow.pyfunc predicts what rung predict does")
        XCTAssertEqual(result["aliases"] as? [String: String], ["production": "1"])

        // Exporting the finished sweep again, to another experiment: a full copy; then repeated: nothing new.
        let export = try RungProcess.run(["export", "mlflow", "1", "--to", server.uri, "--experiment", "copy"] + store)
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains("4 run(s) created"), export.stdout)
        let again = try RungProcess.run(["export", "mlflow", "1", "--to", server.uri, "--experiment", "copy"] + store)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("0 run(s) created"), again.stdout)

        let missing = try RungProcess.run(["export", "mlflow", "9", "--to", server.uri] + store)
        XCTAssertEqual(missing.status, 65, missing.stderr)
        let unreachable = try RungProcess.run(["export", "mlflow", "1", "--to", "http://127.0.0.1:9", "--retry-seconds", "0"] + store)
        XCTAssertEqual(unreachable.status, 69, unreachable.stderr)
    }
}
