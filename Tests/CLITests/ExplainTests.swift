import Foundation
import XCTest

/// Explanations: `rung predict --explain K` against Python xgboost's `pred_contribs` on the
/// same saved model (to 1e-6), and `/predict?explain=K` against `rung predict --explain K`.
final class ExplainTests: XCTestCase {
    private func python() -> String { ProcessInfo.processInfo.environment["RUNG_PYTHON"] ?? "python3" }

    func testContributionsMatchPythonXGBoostAndTheServerAgrees() throws {
        let scratch = try RungProcess.temporaryDirectory(self)
        let (raw, _, data) = try ServeFixture.prepare(in: scratch)
        let model = scratch.appendingPathComponent("model")
        let params = #"{"max_depth": 4, "learning_rate": 0.3}"#
        let (metrics, dataVersion) = try ServeFixture.train(params, data: data, into: model)

        // Every source column (amount, score, size, colour): K = 4.
        let out = scratch.appendingPathComponent("explained.csv")
        let test = data.appendingPathComponent("test.csv")
        let predict = try RungProcess.run(["predict", "--model", model.path, "--input", test.path, "--explain", "4", "--out", out.path])
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "id,probability,label,explain_1_column,explain_1_contribution,explain_2_column,explain_2_contribution,"
                       + "explain_3_column,explain_3_contribution,explain_4_column,explain_4_contribution,explain_bias")
        // A row's contributions and bias add up to its log-odds (compared as probabilities:
        // the logit of a float32 probability near 1 is too coarse).
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let p = try XCTUnwrap(Double(f[1]))
            let sum = [4, 6, 8, 10, 11].compactMap { Double(f[$0]) }.reduce(0, +)
            XCTAssertEqual(1 / (1 + exp(-sum)), p, accuracy: 1e-6, String(line))
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python(), RungProcess.packageRoot.appendingPathComponent("bench/reference/contribs_with_python.py").path,
                             model.path, test.path, out.path]
        process.currentDirectoryURL = RungProcess.packageRoot.appendingPathComponent("bench/reference")
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "Python xgboost's pred_contribs disagree with rung predict --explain (RUNG_PYTHON needs xgboost and numpy): \(output)")
        XCTAssertTrue(output.contains("max_abs_diff"), output)

        // The server's ?explain=2 on raw rows is rung predict --explain 2 on the same raw rows.
        let fixture = try StoreFixture(self)
        try ServeFixture.register(model, fixture: fixture, metrics: metrics, dataVersion: dataVersion, params: params)
        let server = try ServeProcess(fixture.args(["--model", "xgboost@production", "--prediction-log", "none"]), test: self)
        let rawLines = try String(contentsOf: raw, encoding: .utf8).split(separator: "\n").prefix(31)
        let input = scratch.appendingPathComponent("raw30.csv")
        try (rawLines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let cli = try RungProcess.run(["predict", "--model", model.path, "--input", input.path, "--explain", "2"])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        let expected = cli.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let body = "[" + (1..<31).map { i -> String in
            let v = ServeFixture.row(i - 1)
            return #"{"id": \#(v[0]), "amount": "\#(v[1])", "score": \#(v[2]), "colour": "\#(v[3])", "size": "\#(v[4])"}"#
        }.joined(separator: ",") + "]"
        let answer = try HTTP.post(server.base, "/predict?explain=2", body)
        XCTAssertEqual(answer.status, 200, answer.text)
        let rows = try XCTUnwrap(try answer.json() as? [[String: Any]])
        XCTAssertEqual(rows.count, 30)
        for (i, row) in rows.enumerated() {
            let explanation = try XCTUnwrap(row["explanation"] as? [[String: Any]])
            XCTAssertEqual(explanation.map { $0["column"] as? String }, [expected[i][3], expected[i][5]], "row \(i)")
            for (k, item) in explanation.enumerated() {
                XCTAssertEqual(try XCTUnwrap(item["contribution"] as? Double), try XCTUnwrap(Double(expected[i][4 + 2 * k])), accuracy: 1e-12)
            }
            XCTAssertEqual(try XCTUnwrap(row["bias"] as? Double), try XCTUnwrap(Double(expected[i][7])), accuracy: 1e-12)
        }
    }
}
