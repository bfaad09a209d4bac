import Foundation
import XCTest
@testable import RungCore

/// The step-by-step differential test against Optuna's TPESampler: rung's traced suggestions
/// (every intermediate quantity, `TPETrace`) on continuous, log, integer, quantised,
/// categorical, conditional and mixed spaces, sequential and with 8 pending trials, with tied
/// and failed results, are recomputed by Optuna's own code in bench/search/tpe_diff.py on the
/// same history: the split, the kernels' weights, centres, bandwidths and category
/// probabilities, and log l(x), log g(x) and the argmax over rung's candidates must agree.
///
/// The interpreter is `$RUNG_PYTHON` (default `python3`) with optuna 5.x (scripts/install-deps
/// --test installs it). If it cannot run, the test FAILS; `RUNG_SKIP_PYTHON_TESTS=1` skips it.
final class TPEDifferentialTests: XCTestCase {
    static let spaces: [(String, String)] = [
        ("continuous", #"{"x":{"type":"uniform","low":-5,"high":10},"y":{"type":"uniform","low":0,"high":15},"z":{"type":"uniform","low":0,"high":1}}"#),
        ("log", #"{"lr":{"type":"loguniform","low":1e-05,"high":1.0},"l2":{"type":"loguniform","low":0.001,"high":100}}"#),
        ("integer", #"{"a":{"type":"int","low":-5,"high":5},"b":{"type":"int","low":1,"high":200,"log":true},"c":{"type":"int","low":0,"high":3}}"#),
        ("quantised", #"{"q":{"type":"quniform","low":0,"high":1,"q":0.1},"x":{"type":"uniform","low":0,"high":1}}"#),
        ("categorical", #"{"k":{"type":"choice","choices":["a","b","c","d"]},"m":{"type":"choice","choices":[1,2,3]}}"#),
        ("conditional", #"{"model":{"type":"choice","choices":["lin","tree"]},"alpha":{"type":"loguniform","low":0.0001,"high":10,"when":{"model":"lin"}},"depth":{"type":"int","low":1,"high":12,"when":{"model":"tree"}},"eta":{"type":"uniform","low":0,"high":1}}"#),
        ("univariate-int", #"{"n":{"type":"int","low":1,"high":6}}"#),
    ]

    /// Runs an ask-tell session on `space` and returns the traced asks as JSON lines.
    private func traces(case name: String, space: String, batch: Int, checkpoints: Set<Int>) throws -> [String] {
        var s = AskTellSession(searcher: .tpe)
        let initReply = s.handle(line: #"{"op":"init","space":\#(space),"seed":11,"mode":"min","parallel":\#(batch)}"#).line
        XCTAssertEqual(initReply, #"{"ok":true}"#)
        var lines: [String] = []
        var told = 0
        while told <= (checkpoints.max() ?? 0) {
            var asked: [Int] = []
            for _ in 0..<batch {
                let traced = checkpoints.contains(told + asked.count)
                let reply = try XCTUnwrap(s.handle(line: traced ? #"{"op":"ask","trace":true,"draws":0}"# : #"{"op":"ask"}"#).line)
                let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])
                let id = try XCTUnwrap(obj["trial"] as? Int)
                if traced {
                    XCTAssertNotNil(obj["trace"] as? [String: Any], "\(name): ask \(id) returned no trace")
                    if let start = reply.range(of: #","trace":"#) {
                        let trace = String(reply[start.upperBound...].dropLast())
                        lines.append(#"{"case":"\#(name)/batch\#(batch)/trial\#(id)","space":\#(space),"trace":\#(trace)}"#)
                    }
                }
                asked.append(id)
            }
            for id in asked {
                // Values with ties (the split's tie rule) and an occasional failed trial.
                let value = id % 17 == 5 ? "null" : String(Double((id * 7) % 13) + 0.001 * Double(id % 3))
                XCTAssertEqual(s.handle(line: #"{"op":"tell","trial":\#(id),"value":\#(value)}"#).line, #"{"ok":true}"#)
                told += 1
            }
        }
        return lines
    }

    func testEveryIntermediateQuantityMatchesOptuna() throws {
        var lines: [String] = []
        for (name, space) in Self.spaces {
            for batch in [1, 8] {
                // Past the 10 start-up trials (one failed trial among the first 12 does not count).
                lines += try traces(case: name, space: space, batch: batch, checkpoints: batch == 1 ? [12, 33, 56] : [18, 33, 56])
            }
        }
        XCTAssertGreaterThanOrEqual(lines.count, 40)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-tpe-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("traces.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/search/tpe_diff.py")
        let environment = ProcessInfo.processInfo.environment
        let python = environment["RUNG_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, "--check", file.path, "--out", dir.appendingPathComponent("report.json").path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let summaryLine = stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard let summary = (try? JSONSerialization.jsonObject(with: Data(summaryLine.utf8))) as? [String: Any] else {
            let message = "'\(python)' (RUNG_PYTHON) could not run bench/search/tpe_diff.py with optuna: \(stderr.suffix(800)). "
                + "Install optuna (scripts/install-deps --test) or set RUNG_SKIP_PYTHON_TESTS=1 to skip."
            if environment["RUNG_SKIP_PYTHON_TESTS"] == "1" { throw XCTSkip(message) }
            XCTFail(message)
            return
        }
        XCTAssertEqual(summary["traces"] as? Int, lines.count)
        XCTAssertEqual(summary["all_ok"] as? Bool, true, "first quantity that differs from Optuna: \(summary["first_difference"] ?? "?")")
        XCTAssertEqual(process.terminationStatus, 0)
    }
}
