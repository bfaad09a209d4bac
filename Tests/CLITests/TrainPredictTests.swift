import Foundation
import XCTest

/// The first steps of the README, end to end on the real dataset: prepare, train, save,
/// predict, and Python xgboost agreeing with `rung predict`.
final class TrainPredictTests: XCTestCase {
    /// Prepares the real data once for the whole class (a few seconds in a debug build).
    nonisolated(unsafe) private static var prepared: URL?

    private func preparedData() throws -> URL {
        if let p = Self.prepared { return p }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-cli-data-\(UUID().uuidString)")
        let r = try RungProcess.run(["data", "prepare", "--source", "uci-diabetes-130",
                                     "--recipe", RungProcess.packageRoot.appendingPathComponent("Config/datasets/diabetes.yaml").path,
                                     "--out", dir.path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let manifest = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(manifest?["encoded_feature_count"] as? Int, 1588)
        Self.prepared = dir
        return dir
    }

    override class func tearDown() {
        if let p = prepared { try? FileManager.default.removeItem(at: p) }
        super.tearDown()
    }

    private func python() -> String {
        ProcessInfo.processInfo.environment["RUNG_PYTHON"] ?? "python3"
    }

    private func checkWithPython(model: URL, split: URL, predictions: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python(), RungProcess.packageRoot.appendingPathComponent("bench/reference/predict_with_python.py").path,
                             model.path, split.path, predictions.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if output.contains("No module named") && ProcessInfo.processInfo.environment["RUNG_SKIP_PYTHON_TESTS"] == "1" {
            throw XCTSkip("Python xgboost is not installed (RUNG_SKIP_PYTHON_TESTS=1)")
        }
        XCTAssertEqual(process.terminationStatus, 0, "Python xgboost disagrees with rung predict (set RUNG_PYTHON to a Python with xgboost and numpy): \(output)")
        XCTAssertTrue(output.contains("max_abs_diff"), output)
    }

    func testSavedModelsPredictTheSameInPythonXGBoost() throws {
        let data = try preparedData()
        let scratch = try RungProcess.temporaryDirectory(self)
        for (family, params) in [("xgboost", #"{"max_depth": 5, "learning_rate": 0.2}"#),
                                 ("random_forest", #"{"max_depth": 8, "subsample": 0.7, "colsample_bynode": 0.5}"#),
                                 ("logistic_regression", "{}")] {
            let model = scratch.appendingPathComponent(family)
            let train = try RungProcess.run(["train", "--family", family, "--params", params, "--data", data.path,
                                             "--epochs", "3", "--save", model.path, "--json"])
            XCTAssertEqual(train.status, 0, train.stderr)
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any])
            let epochs = try XCTUnwrap(report["epochs"] as? [[String: Any]])
            XCTAssertEqual(epochs.count, 3)
            let auc = try XCTUnwrap((epochs.last?["metrics"] as? [String: Double])?["val_auc"])
            XCTAssertGreaterThan(auc, 0.6, "\(family) learns something about readmission")
            for file in ["model.json", "preprocessor.json", "metadata.json"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: model.appendingPathComponent(file).path), file)
            }

            let predictions = scratch.appendingPathComponent("\(family)-predictions.csv")
            let test = data.appendingPathComponent("test.csv")
            let predict = try RungProcess.run(["predict", "--model", model.path, "--input", test.path, "--out", predictions.path])
            XCTAssertEqual(predict.status, 0, predict.stderr)
            let lines = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.first, "encounter_id,patient_nbr,probability,label")
            XCTAssertEqual(lines.count, 2981 + 1)
            try checkWithPython(model: model, split: test, predictions: predictions)
        }
    }

    func testTrainingTwiceWithTheSameSeedGivesTheSameModel() throws {
        let data = try preparedData()
        let scratch = try RungProcess.temporaryDirectory(self)
        var models: [Data] = []
        for run in 0..<2 {
            let dir = scratch.appendingPathComponent("m\(run)")
            let r = try RungProcess.run(["train", "--family", "random_forest", "--data", data.path, "--epochs", "2",
                                         "--seed", "7", "--save", dir.path, "--json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            models.append(try Data(contentsOf: dir.appendingPathComponent("model.json")))
        }
        XCTAssertEqual(models[0], models[1])
        // And the seed matters: another one gives another model (else the check above proves nothing).
        let other = scratch.appendingPathComponent("m-seed-8")
        let r = try RungProcess.run(["train", "--family", "random_forest", "--data", data.path, "--epochs", "2",
                                     "--seed", "8", "--save", other.path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNotEqual(try Data(contentsOf: other.appendingPathComponent("model.json")), models[0])
    }

    func testPredictNamesTheUnreadableLineOrSkipsIt() throws {
        let data = try preparedData()
        let scratch = try RungProcess.temporaryDirectory(self)
        let model = scratch.appendingPathComponent("m")
        XCTAssertEqual(try RungProcess.run(["train", "--family", "xgboost", "--data", data.path, "--epochs", "1",
                                            "--save", model.path]).status, 0)
        let source = try String(contentsOf: RungProcess.diabetesCSV(), encoding: .utf8)
        var lines = source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).prefix(30).map(String.init)
        lines.insert("1,2,3", at: 12)  // becomes line 13 of the file
        let bad = scratch.appendingPathComponent("bad.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: bad, atomically: true, encoding: .utf8)
        let out = scratch.appendingPathComponent("p.csv")

        let failed = try RungProcess.run(["predict", "--model", model.path, "--input", bad.path, "--out", out.path])
        XCTAssertEqual(failed.status, 65)
        XCTAssertTrue(failed.stderr.contains("line 13"), failed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing written on failure")

        let skipped = try RungProcess.run(["predict", "--model", model.path, "--input", bad.path, "--out", out.path,
                                           "--skip-bad-rows", "--json"])
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(skipped.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["skipped_rows"] as? Int, 1)
        XCTAssertEqual(summary["skipped_lines"] as? [Int], [13])
        XCTAssertEqual(summary["rows"] as? Int, 29)
    }

    func testBadTrainInputsAreOneClearSentence() throws {
        let data = try preparedData()
        let unknown = try RungProcess.run(["train", "--family", "xgboost", "--params", #"{"depth": 3}"#, "--data", data.path])
        XCTAssertEqual(unknown.status, 65)
        XCTAssertTrue(unknown.stderr.contains("'depth'"), unknown.stderr)
        let range = try RungProcess.run(["train", "--family", "xgboost", "--params", #"{"learning_rate": 5}"#, "--data", data.path])
        XCTAssertEqual(range.status, 65)
        XCTAssertTrue(range.stderr.contains("learning_rate"), range.stderr)
        let notJSON = try RungProcess.run(["train", "--family", "xgboost", "--params", "max_depth=3", "--data", data.path])
        XCTAssertEqual(notJSON.status, 64)
        let missing = try RungProcess.run(["train", "--family", "xgboost", "--data", "/nonexistent/rung-data"])
        XCTAssertEqual(missing.status, 65)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/rung-data"), missing.stderr)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, "one sentence: \(missing.stderr)")
    }
}
