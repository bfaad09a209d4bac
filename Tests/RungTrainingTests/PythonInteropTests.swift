import Foundation
import RungData
import RungTraining
import RungCore
import XCTest

/// Saved models must load in Python's xgboost and predict the same probabilities.
///
/// The interpreter is `$RUNG_PYTHON` (default `python3`) and must have numpy and xgboost.
/// If it cannot run them the test FAILS with a message; set `RUNG_SKIP_PYTHON_TESTS=1` to
/// skip it (reported as skipped, not passed) on machines without Python xgboost.
final class PythonInteropTests: XCTestCase {
    static let script = """
    import json, sys
    import numpy as np
    import xgboost as xgb
    model_path, data_path = sys.argv[1], sys.argv[2]
    with open(data_path) as f:
        d = json.load(f)
    dense = np.full((len(d["indptr"]) - 1, d["ncol"]), np.nan, dtype=np.float32)
    for r in range(len(d["indptr"]) - 1):
        for k in range(d["indptr"][r], d["indptr"][r + 1]):
            dense[r, d["indices"][k]] = d["values"][k]
    booster = xgb.Booster(model_file=model_path)
    p = booster.predict(xgb.DMatrix(dense, missing=np.nan))
    print(json.dumps({"xgboost": xgb.__version__, "p": [float(v) for v in p]}))
    """

    struct PythonResult: Decodable {
        var xgboost: String
        var p: [Double]
    }

    func runPython(model: URL, data: URL) throws -> PythonResult {
        let environment = ProcessInfo.processInfo.environment
        let python = environment["RUNG_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", Self.script, model.path, data.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var failure: String?
        do {
            try process.run()
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let errors = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if process.terminationStatus == 0 {
                return try JSONDecoder().decode(PythonResult.self, from: output)
            }
            failure = "exited with status \(process.terminationStatus): " + String(decoding: errors, as: UTF8.self).suffix(400)
        } catch {
            failure = "could not run: \(error)"
        }
        let message = "Python xgboost interop test: '\(python)' (from RUNG_PYTHON, default python3) \(failure ?? ""). "
            + "Point RUNG_PYTHON at an interpreter with numpy and xgboost, or set RUNG_SKIP_PYTHON_TESTS=1 to skip."
        if environment["RUNG_SKIP_PYTHON_TESTS"] == "1" { throw XCTSkip(message) }
        throw PythonUnavailable(description: message)
    }

    struct PythonUnavailable: Error, CustomStringConvertible {
        var description: String
    }

    func testPythonXGBoostPredictsLikeRungForEveryFamily() throws {
        let train = SyntheticData.split(rows: 2000, seed: 21)
        let validation = SyntheticData.split(rows: 300, seed: 22)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let dataURL = dir.appendingPathComponent("data.json")
        let x = validation.features
        let payload: [String: Any] = ["indptr": x.rowOffsets, "indices": x.columnIndices.map(Int.init),
                                      "values": x.values.map(Double.init), "ncol": x.columnCount]
        try JSONSerialization.data(withJSONObject: payload).write(to: dataURL)

        let params: [String: [String: ParamValue]] = [
            "xgboost": ["max_depth": .int(4), "subsample": .double(0.8), "colsample_bynode": .double(0.7), "rounds": .int(5)],
            "random_forest": ["trees_per_epoch": .int(6), "max_depth": .int(5)],
            "logistic_regression": ["reg_lambda": .double(0.01), "rounds": .int(5)],
        ]
        for family in TrainerFamilies.all.map({ $0.name }) {
            let trainer = try Trainer(family: family, params: params[family]!, seed: 5, train: train, validation: validation)
            for _ in 0..<3 { _ = try trainer.runEpoch() }
            let modelURL = dir.appendingPathComponent("\(family).json")
            try trainer.saveModel(to: modelURL)
            let ours = try trainer.predictProbabilities(x)
            let theirs = try runPython(model: modelURL, data: dataURL)
            XCTAssertEqual(theirs.p.count, ours.count, family)
            let worst = zip(ours, theirs.p).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThan(worst, 1e-6, "\(family): Python xgboost \(theirs.xgboost) differs by up to \(worst)")
            print("python-interop \(family): xgboost \(theirs.xgboost), largest probability difference \(worst)")
        }
    }
}
