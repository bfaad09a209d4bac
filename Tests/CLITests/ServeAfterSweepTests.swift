import Foundation
import XCTest

/// The issue's "done when", as a user would check it: after `rung run`, `rung serve --model
/// xgboost@production` answers real HTTP requests with `rung predict`'s probabilities (and
/// `rung predict` agrees with Python xgboost on the same registered model); promoting another
/// version with `rung registry promote` switches the running server; bad bodies get 400, 413
/// and 422 naming what is wrong.
final class ServeAfterSweepTests: XCTestCase {
    private func python() -> String { ProcessInfo.processInfo.environment["RUNG_PYTHON"] ?? "python3" }

    private func sweep(_ name: String, seed: Int, data: URL, fixture: StoreFixture) throws {
        let config = fixture.directory.appendingPathComponent("\(name).yaml")
        try """
        name: \(name)
        seed: \(seed)
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        searcher: {type: random}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 2
            epoch: {rounds: 4}
            space:
              max_depth: {type: int, low: 2, high: 5}
              learning_rate: {type: loguniform, low: 0.05, high: 0.5}
        """.write(to: config, atomically: true, encoding: .utf8)
        let run = try RungProcess.run(fixture.args(["run", config.path, "--workers", "1"]), in: fixture.directory)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
    }

    /// Raw source rows `range` as a JSON array (numbers as numbers, `?` as null) and as CSV.
    private func rows(_ range: Range<Int>) -> (json: String, csv: String) {
        var csv = ServeFixture.header.joined(separator: ",") + "\n"
        let objects = range.map { i -> String in
            let v = ServeFixture.row(i)
            csv += v.joined(separator: ",") + "\n"
            return "{" + zip(ServeFixture.header, v).map { name, value in
                value == "?" ? "\"\(name)\": null" : ["id", "amount", "score"].contains(name) ? "\"\(name)\": \(value)" : "\"\(name)\": \"\(value)\""
            }.joined(separator: ", ") + "}"
        }
        return ("[" + objects.joined(separator: ",") + "]", csv)
    }

    /// `rung predict --model MODEL` on `csv`: the probability column, parsed.
    private func rungPredict(_ csv: String, model: String, fixture: StoreFixture) throws -> [Double] {
        let input = fixture.directory.appendingPathComponent("input-\(UUID().uuidString).csv")
        try csv.write(to: input, atomically: true, encoding: .utf8)
        let r = try RungProcess.run(fixture.args(["predict", "--model", model, "--input", input.path]))
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").dropFirst().compactMap { Double($0.split(separator: ",", omittingEmptySubsequences: false)[1]) }
    }

    /// The `"probability":` numbers of an answer, read from its text with `Double(String)`.
    private func probabilities(_ answer: HTTP.Answer) -> [Double] {
        answer.text.components(separatedBy: #""probability":"#).dropFirst().compactMap { part in
            Double(String(part.prefix { "0123456789.eE+-".contains($0) }))
        }
    }

    func testAfterASweepServeAnswersLikeRungPredictAndFollowsAPromotion() throws {
        let fixture = try StoreFixture(self)
        let (_, _, data) = try ServeFixture.prepare(in: fixture.directory)
        try sweep("first-night", seed: 1, data: data, fixture: fixture)

        // rung predict on the registered model agrees with Python xgboost (the same model file).
        let testSplit = data.appendingPathComponent("test.csv")
        let predictions = fixture.directory.appendingPathComponent("test-predictions.csv")
        let predict = try RungProcess.run(fixture.args(["predict", "--model", "xgboost@production", "--input", testSplit.path,
                                                        "--out", predictions.path]))
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python(), RungProcess.packageRoot.appendingPathComponent("bench/reference/predict_with_python.py").path,
                             fixture.artifacts.appendingPathComponent("registry/xgboost/v1").path, testSplit.path, predictions.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "Python xgboost disagrees with rung predict (RUNG_PYTHON needs xgboost and numpy): \(output)")
        XCTAssertTrue(output.contains("max_abs_diff"), output)

        // The server answers raw rows with exactly rung predict's probabilities.
        let server = try ServeProcess(fixture.args(["--model", "xgboost@production", "--poll-interval", "0.2",
                                                     "--prediction-log", "none", "--max-body-bytes", "65536"]), test: self)
        let (json, csv) = rows(0..<30)
        let first = try HTTP.post(server.base, "/predict", json)
        XCTAssertEqual(first.status, 200, first.text)
        XCTAssertEqual(probabilities(first), try rungPredict(csv, model: "xgboost@1", fixture: fixture))
        XCTAssertEqual(probabilities(first).count, 30)
        XCTAssertTrue(first.text.contains(#""family":"xgboost","version":1"#), first.text)

        // A second night registers version 2; whichever of the two is not production now is
        // promoted by hand, and the running server switches to it.
        try sweep("second-night", seed: 2, data: data, fixture: fixture)
        let list = try RungProcess.run(fixture.args(["registry", "ls", "--json"]))
        XCTAssertEqual(list.status, 0, list.stderr)
        let versions = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["versions"] as? [[String: Any]], list.stdout)
        XCTAssertEqual(versions.count, 2, list.stdout)
        let other = try XCTUnwrap(versions.first { $0["stage"] as? String != "production" }?["version"] as? Int, list.stdout)
        let promote = try RungProcess.run(fixture.args(["registry", "promote", "xgboost@\(other)"]))
        XCTAssertEqual(promote.status, 0, promote.stderr)
        waitUntil("the server serves xgboost@\(other)", timeout: 30, interval: 0.1) {
            (try? HTTP.get(server.base, "/model").object()["version"] as? Int) == other
        }
        let switched = try HTTP.post(server.base, "/predict", json)
        XCTAssertEqual(switched.status, 200, switched.text)
        XCTAssertEqual(probabilities(switched), try rungPredict(csv, model: "xgboost@\(other)", fixture: fixture))
        XCTAssertTrue(switched.text.contains(#""family":"xgboost","version":\#(other)"#), switched.text)

        // Bad bodies: their status and one message naming what is wrong.
        let malformed = try HTTP.post(server.base, "/predict", #"{"amount": 1.5,"#)
        XCTAssertEqual(malformed.status, 400, malformed.text)
        XCTAssertTrue(malformed.text.contains("byte"), malformed.text)
        let missing = try HTTP.post(server.base, "/predict", #"{"amount": 1.5, "score": 2, "colour": "red"}"#)
        XCTAssertEqual(missing.status, 422, missing.text)
        XCTAssertEqual((try missing.object()["error"] as? [String: Any])?["field"] as? String, "size")
        let notANumber = try HTTP.post(server.base, "/predict", #"{"amount": "lots", "score": 2, "colour": "red", "size": "large"}"#)
        XCTAssertEqual(notANumber.status, 422, notANumber.text)
        XCTAssertEqual((try notANumber.object()["error"] as? [String: Any])?["field"] as? String, "amount")
        let unknownLabel = try HTTP.post(server.base, "/predict", #"{"amount": 1, "score": 2, "colour": "red", "size": "huge"}"#)
        XCTAssertEqual(unknownLabel.status, 422, unknownLabel.text)
        XCTAssertEqual((try unknownLabel.object()["error"] as? [String: Any])?["field"] as? String, "size")
        let tooLarge = try HTTP.post(server.base, "/predict", "[" + Array(repeating: rows(0..<1).json.dropFirst().dropLast(), count: 800).joined(separator: ",") + "]")
        XCTAssertEqual(tooLarge.status, 413, tooLarge.text)
        XCTAssertTrue(tooLarge.text.contains("65536"), tooLarge.text)
        // … and it still answers.
        XCTAssertEqual(try HTTP.post(server.base, "/predict", json).status, 200)
    }
}
