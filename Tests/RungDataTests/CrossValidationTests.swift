import Foundation
import RungCore
@testable import RungData
import XCTest

/// `split.folds` (issue 12, item 4): the folds' guarantees (checked against scikit-learn's
/// StratifiedKFold / StratifiedGroupKFold), the prepared layout, and bad input.
final class CrossValidationTests: XCTestCase {
    /// 300 rows, about 45 % positive, patients of 1–4 rows whose rows mostly share a label.
    private func csv(rows: Int = 300) -> String {
        var text = "row,patient,x,colour,y\n"
        var patient = 0, left = 0
        for i in 0 ..< rows {
            if left == 0 { patient += 1; left = 1 + (patient * 5) % 4 }
            left -= 1
            let y = (patient * 7 + (i % 5 == 0 ? 1 : 0)) % 11 < 5 ? 1 : 0
            text += "\(i),p\(patient),\(Double(i % 23) / 3),\(["red", "green", "blue"][i % 3]),\(y)\n"
        }
        return text
    }

    private func prepare(_ split: String, rows: Int = 300) throws -> (DataManifest, URL) {
        let dir = try TestSupport.temporaryDirectory(self)
        let source = try TestSupport.write(csv(rows: rows), "d.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: """
            name: d
            target: {from: y, positive: ["1"]}
            id_columns: [row, patient]
            categorical: [colour]
            split:
              initial_fraction: 1
              future_batches: 0
              train: 0.8
            \(split.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            """, fileName: "d.yaml")
        let out = dir.appendingPathComponent("out")
        return (try DatasetPreparer.prepare(source: source, recipe: recipe, out: out), out)
    }

    /// (row, patient, y, fold 1…K) of every train row, in file order.
    private func trainRows(_ out: URL) throws -> [(row: Int, patient: String, y: Int, fold: Int)] {
        let train = try String(contentsOf: out.appendingPathComponent("train.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        let folds = try String(contentsOf: out.appendingPathComponent("folds.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { Int($0)! }
        XCTAssertEqual(train.count, folds.count)
        return zip(train, folds).map { line, fold in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (Int(f[0])!, f[1], Int(f[4])!, fold)
        }
    }

    // MARK: - The guarantees

    func testStratifiedFoldsKeepEachClassWithinOneRowAndTheLayoutHasNoValidationSplit() throws {
        let (m, out) = try prepare("folds: 5\norder: stratified\nseed: 3")
        XCTAssertEqual(m.splits.map(\.split), ["train", "test"])
        XCTAssertEqual(m.splits.map(\.rows), [240, 60])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("validation.csv").path))
        XCTAssertTrue(m.files.map(\.name).contains("folds.csv"))
        let cv = try XCTUnwrap(m.crossValidation)
        XCTAssertEqual(cv.folds, 5)
        XCTAssertEqual(cv.rows, [48, 48, 48, 48, 48])
        XCTAssertEqual(m.splitOrder, "order=stratified seed=3 folds=5")

        let rows = try trainRows(out)
        XCTAssertEqual(Set(rows.map(\.fold)), Set(1 ... 5))
        for y in 0 ... 1 {
            let perFold = (1 ... 5).map { f in rows.filter { $0.fold == f && $0.y == y }.count }
            XCTAssertLessThanOrEqual(perFold.max()! - perFold.min()!, 1, "class \(y): \(perFold)")
        }
        for (f, rate) in cv.positiveRates.enumerated() {
            let fold = rows.filter { $0.fold == f + 1 }
            XCTAssertEqual(rate, Double(fold.filter { $0.y == 1 }.count) / Double(fold.count), accuracy: 1e-12)
        }
    }

    func testGroupedFoldsNeverSplitAGroupAndKeepTheClassRate() throws {
        let (m, out) = try prepare("folds: 4\norder: stratified\ngroup: patient")
        let rows = try trainRows(out)
        var foldOf: [String: Int] = [:]
        for r in rows {
            if let f = foldOf[r.patient] { XCTAssertEqual(f, r.fold, "patient \(r.patient) is in two folds") }
            foldOf[r.patient] = r.fold
        }
        let rate = Double(rows.filter { $0.y == 1 }.count) / Double(rows.count)
        for f in 1 ... 4 {
            let fold = rows.filter { $0.fold == f }
            XCTAssertEqual(Double(fold.filter { $0.y == 1 }.count) / Double(fold.count), rate, accuracy: 0.06, "fold \(f)")
            XCTAssertEqual(Double(fold.count), Double(rows.count) / 4, accuracy: Double(rows.count) / 10, "fold \(f)")
        }
        XCTAssertEqual(m.crossValidation?.rows.reduce(0, +), rows.count)
    }

    /// The same labels (and groups) through scikit-learn: StratifiedKFold's per-fold class
    /// counts are the same as ours, fold for fold once sorted; StratifiedGroupKFold leaks no
    /// group and our folds' class rates are no further from the overall rate than theirs
    /// (plus one row's worth).
    func testFoldsMatchScikitLearnsGuarantees() throws {
        let (_, out) = try prepare("folds: 5\norder: stratified\nseed: 11")
        let rows = try trainRows(out)
        let (_, groupedOut) = try prepare("folds: 5\norder: stratified\ngroup: patient")
        let grouped = try trainRows(groupedOut)
        let input: [String: Any] = ["y": rows.map(\.y), "gy": grouped.map(\.y), "groups": grouped.map(\.patient)]
        let result = try runScikitLearn(input)
        let sk = try XCTUnwrap(result["stratified"] as? [[Int]])
        let ours = (1 ... 5).map { f in [0, 1].map { y in rows.filter { $0.fold == f && $0.y == y }.count } }
        XCTAssertEqual(ours.sorted { $0.lexicographicallyPrecedes($1) }, sk.sorted { $0.lexicographicallyPrecedes($1) })
        XCTAssertEqual(result["group_leaks"] as? Int, 0)
        let skDeviation = try XCTUnwrap(result["grouped_max_deviation"] as? Double)
        let rate = Double(grouped.filter { $0.y == 1 }.count) / Double(grouped.count)
        let ourDeviation = (1 ... 5).map { f -> Double in
            let fold = grouped.filter { $0.fold == f }
            return abs(Double(fold.filter { $0.y == 1 }.count) / Double(fold.count) - rate)
        }.max()!
        XCTAssertLessThanOrEqual(ourDeviation, skDeviation + 1.0 / Double(grouped.count / 5), "ours \(ourDeviation), scikit-learn \(skDeviation)")
    }

    private static let script = """
    import json, sys
    import numpy as np
    from sklearn.model_selection import StratifiedKFold, StratifiedGroupKFold
    d = json.load(sys.stdin)
    y = np.array(d["y"])
    out = {"stratified": []}
    for _, val in StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        out["stratified"].append([int((y[val] == 0).sum()), int((y[val] == 1).sum())])
    gy, groups = np.array(d["gy"]), np.array(d["groups"])
    seen, leaks, worst = {}, 0, 0.0
    for k, (_, val) in enumerate(StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(np.zeros(len(gy)), gy, groups)):
        for g in set(groups[val]):
            if g in seen and seen[g] != k: leaks += 1
            seen[g] = k
        worst = max(worst, abs(gy[val].mean() - gy.mean()))
    out["group_leaks"] = leaks
    out["grouped_max_deviation"] = float(worst)
    print(json.dumps(out))
    """

    /// Runs the script with `$RUNG_PYTHON` (default python3), which needs numpy and
    /// scikit-learn (`scripts/install-deps --test` puts them in .venv). Without them the test
    /// fails, or is skipped (not passed) with `RUNG_SKIP_PYTHON_TESTS=1`.
    private func runScikitLearn(_ input: [String: Any]) throws -> [String: Any] {
        let environment = ProcessInfo.processInfo.environment
        let python = environment["RUNG_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", Self.script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        var failure = ""
        do {
            try process.run()
            stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: input))
            try stdin.fileHandleForWriting.close()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            let errors = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if process.terminationStatus == 0, let object = try JSONSerialization.jsonObject(with: output) as? [String: Any] {
                return object
            }
            failure = "exited with status \(process.terminationStatus): " + String(decoding: errors, as: UTF8.self).suffix(400)
        } catch {
            failure = "could not run: \(error)"
        }
        let message = "scikit-learn fold check: '\(python)' (RUNG_PYTHON) \(failure). Point RUNG_PYTHON at an interpreter with numpy and scikit-learn (scripts/install-deps --test), or set RUNG_SKIP_PYTHON_TESTS=1 to skip."
        if environment["RUNG_SKIP_PYTHON_TESTS"] == "1" { throw XCTSkip(message) }
        XCTFail(message)
        throw CocoaError(.featureUnsupported)
    }

    // MARK: - The data version and the folds' encoding

    func testTheDataVersionChangesWithTheFolds() throws {
        let five = try prepare("folds: 5\norder: stratified").0.dataVersion
        XCTAssertEqual(try prepare("folds: 5\norder: stratified").0.dataVersion, five)
        XCTAssertNotEqual(try prepare("folds: 4\norder: stratified").0.dataVersion, five)
        XCTAssertNotEqual(try prepare("folds: 5\norder: stratified\nseed: 1").0.dataVersion, five)
        XCTAssertNotEqual(try prepare("validation: 0.1\norder: stratified").0.dataVersion, five)
    }

    func testEachFoldIsEncodedByAPreprocessorFittedOnItsOwnTrainingRows() throws {
        let (m, out) = try prepare("folds: 3\norder: stratified")
        let prepared = try PreparedData.open(out)
        XCTAssertTrue(prepared.isCrossValidated)
        let folds = try prepared.loadFolds()
        XCTAssertEqual(folds.map(\.fold), [1, 2, 3])
        XCTAssertEqual(folds.map(\.validation.labels.count), m.crossValidation?.rows)
        let table = try prepared.loadTable(.train)
        let x = table.column(named: "x")!.values
        guard case .numeric(let all) = x else { return XCTFail("x is not numeric") }
        let assignment = try trainRows(out).map(\.fold)
        for fold in folds {
            XCTAssertEqual(fold.train.labels.count + fold.validation.labels.count, 240)
            // Column 0 is `x`, standardised with its training rows' mean: they average 0.
            let rows = assignment.indices.filter { assignment[$0] != fold.fold }
            let mean = rows.map { all[$0] }.reduce(0, +) / Double(rows.count)
            let dense = fold.train.features.dense()
            XCTAssertEqual(dense.map { Double($0[0]) }.reduce(0, +) / Double(dense.count), 0, accuracy: 1e-4)
            XCTAssertNotEqual(mean, prepared.preprocessor.numeric[0].mean, "fold \(fold.fold)'s mean is the whole train split's")
        }
        TestSupport.assertRungError(try prepared.load(.validation), kind: .usage,
                                    contains: ["cross-validated data (3 folds", "has no validation split"])
    }

    // MARK: - Bad input

    func testBadFoldSettingsNameTheLineAndKey() throws {
        TestSupport.assertRungError(try prepare("folds: 5\nvalidation: 0.2"), contains: ["d.yaml:10", "split.validation", "conflicts with `folds` (line 9)"])
        TestSupport.assertRungError(try prepare("folds: 1"), contains: ["d.yaml:9", "split.folds", "from 2 to 20", "not 1"])
        TestSupport.assertRungError(try prepare("folds: 21"), contains: ["split.folds", "not 21"])
        TestSupport.assertRungError(try prepare("folds: five"), contains: ["d.yaml:9", "split.folds"])
        TestSupport.assertRungError(try prepare("folds: 3\ngroup: nobody"), contains: ["split.group", "nobody"])
    }

    func testMoreFoldsThanTheRarestClassOrTheGroupsIsRefusedAndNothingIsWritten() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        // 40 rows with 6 positives; 5 of them are train rows with `train: 0.8`, stratified.
        var text = "row,y\n"
        for i in 0 ..< 40 { text += "\(i),\(i % 7 == 3 ? 1 : 0)\n" }
        let source = try TestSupport.write(text, "small.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: """
            name: small
            target: {from: y, positive: ["1"]}
            split: {initial_fraction: 1, future_batches: 0, train: 0.8, order: stratified, folds: 6}
            """, fileName: "small.yaml")
        let out = dir.appendingPathComponent("out")
        TestSupport.assertRungError(try DatasetPreparer.prepare(source: source, recipe: recipe, out: out), kind: .badInput,
                                    contains: ["small.yaml:3", "split.folds", "6 folds need at least 6 rows of each class",
                                               "hold 5 positive (1) rows", "use at most 5 folds"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["small.csv"])

        TestSupport.assertRungError(try prepare("folds: 20\ngroup: patient", rows: 40), contains: ["20 folds need at least 20 groups of `patient`"])
    }
}
