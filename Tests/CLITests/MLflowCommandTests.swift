import Foundation
import XCTest

/// `rung run --mlflow` and `rung export mlflow` against a real MLflow server: the sweep's
/// runs and metric histories, the registered model with its `production` alias, loaded by
/// `mlflow.xgboost.load_model` and `mlflow.pyfunc.load_model` and giving the same
/// probabilities as `rung predict`.
final class MLflowCommandTests: XCTestCase {
    nonisolated(unsafe) static var shared: MLflowTestServer?

    /// One server for the class (a first start takes long).
    func server() throws -> MLflowTestServer {
        if let server = Self.shared { return server }
        let server = try MLflowTestServer()
        Self.shared = server
        return server
    }

    override class func tearDown() {
        shared?.kill()
        shared = nil
        super.tearDown()
    }

    func testARunExportsToMLflowAndItsProductionModelPredictsTheSameThere() throws {
        let server = try server()
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
        XCTAssertTrue(show.stdout.contains("mlflow export: up to date"), show.stdout + run.stderr)

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

        // A second sweep registers xgboost@2; promoting it by hand moves MLflow's alias at
        // once (no export runs in between).
        let second = try RungProcess.run(["run", config.path, "--workers", "1", "--mlflow", server.uri] + store, in: dir)
        XCTAssertEqual(second.status, 0, second.stderr)
        let promote = try RungProcess.run(["registry", "promote", "xgboost@2", "--mlflow", server.uri] + store)
        XCTAssertEqual(promote.status, 0, promote.stderr)
        XCTAssertTrue(promote.stderr.contains("now has production"), promote.stderr)
        let aliases = try server.python("""
        from mlflow.tracking import MlflowClient
        m = MlflowClient().get_registered_model("xgboost")
        print(sorted((k, str(v)) for k, v in m.aliases.items()))
        """)
        XCTAssertEqual(aliases.trimmingCharacters(in: .whitespacesAndNewlines), "[('production', '2')]")

        let missing = try RungProcess.run(["export", "mlflow", "9", "--to", server.uri] + store)
        XCTAssertEqual(missing.status, 65, missing.stderr)
        let unreachable = try RungProcess.run(["export", "mlflow", "1", "--to", "http://127.0.0.1:9", "--retry-seconds", "0"] + store)
        XCTAssertEqual(unreachable.status, 69, unreachable.stderr)
    }

    func testAnImportedExperimentWarmStartsTPE() throws {
        let server = try server()
        let dir = try RungProcess.temporaryDirectory(self)
        let data = try RungProcess.syntheticPreparedData(in: dir)
        // An Optuna-like experiment written by the MLflow Python client: the three best runs
        // have max_depth 2 and a learning rate near 0.25, the others are deep and slow; one
        // run's depth is outside today's space (clipped), one has a parameter the space does
        // not have (dropped), one failed (left out).
        _ = try server.python("""
        import mlflow
        mlflow.set_experiment("old-study")
        for i in range(16):
            best = i < 3
            with mlflow.start_run(run_name=f"trial-{i}"):
                mlflow.log_params({"max_depth": 2 if best else 5 + i % 6, "learning_rate": 0.25 + i / 100 if best else 0.01 + i / 1000})
                if i == 5: mlflow.log_param("booster_kind", "dart")
                mlflow.log_metric("val_auc", 0.95 - i / 100 if best else 0.5 + i / 1000)
        with mlflow.start_run(run_name="too-deep"):
            mlflow.log_params({"max_depth": 40, "learning_rate": 0.2})
            mlflow.log_metric("val_auc", 0.6)
        with mlflow.start_run(run_name="crashed"):
            mlflow.log_params({"max_depth": 3, "learning_rate": 0.1})
            mlflow.end_run(status="FAILED")
        """)
        let store = ["--db", "sqlite:\(dir.path)/rung.db", "--artifacts", dir.appendingPathComponent("artifacts").path]
        let imported = try RungProcess.run(["import", "mlflow", "--from", server.uri, "--experiment", "old-study",
                                            "--to-family", "xgboost", "--metric", "val_auc"] + store, in: dir)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("imported 17 run(s) of old-study for family xgboost (1 left out)"), imported.stdout)
        XCTAssertTrue(imported.stderr.contains("left out: status FAILED"), imported.stderr)

        let config = dir.appendingPathComponent("sweep.yaml")
        try """
        name: warm-from-history
        seed: 3
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        searcher: {type: tpe, startup_trials: 5}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 2
            warm_start: history
            space:
              max_depth: {type: int, low: 2, high: 10}
              learning_rate: {type: loguniform, low: 0.01, high: 0.3}
        """.write(to: config, atomically: true, encoding: .utf8)
        let run = try RungProcess.run(["run", config.path, "--workers", "1"] + store, in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        let logged = run.stdout + run.stderr
        XCTAssertTrue(logged.contains("TPE starts from 17 imported observation(s)"), logged)
        XCTAssertTrue(logged.contains("max_depth = 40"), "the clipped depth is logged: \(logged)")
        XCTAssertTrue(logged.contains("booster_kind is not in the space; dropped"), "the dropped parameter is logged: \(logged)")
        // With 17 observations TPE is past its 5 random start-up trials: its suggestions come
        // from its model of the imported runs, so they differ from the same sweep's (same seed)
        // without the history, whose first trials are the random start-up draws.
        let cold = dir.appendingPathComponent("cold.yaml")
        try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "    warm_start: history\n", with: "")
            .write(to: cold, atomically: true, encoding: .utf8)
        let coldRun = try RungProcess.run(["run", cold.path, "--workers", "1"] + store, in: dir)
        XCTAssertEqual(coldRun.status, 0, coldRun.stderr)
        XCTAssertFalse((coldRun.stdout + coldRun.stderr).contains("imported observation"))
        func params(_ sweep: Int) throws -> [String] {
            let rows = try RungProcess.run(["leaderboard", String(sweep), "--json"] + store)
            XCTAssertEqual(rows.status, 0, rows.stderr)
            let board = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(rows.stdout.utf8)) as? [String: Any])
            return (board["trials"] as? [[String: Any]] ?? []).sorted { ($0["number"] as? Int ?? 0) < ($1["number"] as? Int ?? 0) }
                .compactMap { $0["params"] as? [String: Any] }.map { "\($0["max_depth"] ?? "") \($0["learning_rate"] ?? "")" }
        }
        let warm = try params(1)
        XCTAssertEqual(warm.count, 2)
        XCTAssertNotEqual(warm, try params(2), "the imported history changes what TPE suggests")
    }
}
