import Foundation
import RungCore
import XCTest
@testable import RungTraining

final class CommandTrainerTests: XCTestCase {
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rung-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func trainer(_ script: String, params: [String: JSONValue] = ["lr": .double(0.1)], in dir: URL) throws -> CommandTrainer {
        try CommandTrainer(command: ["sh", "-c", script], params: params, trialID: 17,
                           dataDirectory: dir.appendingPathComponent("data"),
                           outputDirectory: dir.appendingPathComponent("out"))
    }

    func testMetricLinesBecomeEpochsAndOtherLinesAreLog() throws {
        let dir = try scratch()
        let t = try trainer("""
        echo "loading data"
        echo '{"epoch": 1, "val_auc": 0.61, "note": "x", "flag": true}'
        echo '{"epoch": 2, "val_auc": 0.65}'
        echo 'not json {'
        """, in: dir)
        var epochs: [CommandTrainer.EpochLine] = []
        var logs: [String] = []
        let outcome = try t.run(onEpoch: { epochs.append($0) }, onLog: { logs.append($0) })
        XCTAssertEqual(outcome, .finished)
        XCTAssertEqual(epochs.map(\.epoch), [1, 2])
        XCTAssertEqual(epochs[0].metrics, ["val_auc": 0.61])
        XCTAssertEqual(logs, ["loading data", "not json {"])
    }

    func testTheProgramSeesItsParametersAndDirectories() throws {
        let dir = try scratch()
        let t = try trainer(#"""
        printf '%s\n' "$RUNG_PARAMS" > "$RUNG_OUTPUT_DIR/params.json"
        echo "{\"epoch\": 1, \"trial\": $RUNG_TRIAL_ID}"
        echo "data=$RUNG_DATA_DIR"
        """#, params: ["max_depth": .int(6), "penalty": .string("l1")], in: dir)
        var epochs: [CommandTrainer.EpochLine] = []
        var logs: [String] = []
        XCTAssertEqual(try t.run(onEpoch: { epochs.append($0) }, onLog: { logs.append($0) }), .finished)
        XCTAssertEqual(epochs.first?.metrics["trial"], 17)
        XCTAssertEqual(logs, ["data=" + dir.appendingPathComponent("data").path])
        let written = try String(contentsOf: dir.appendingPathComponent("out/params.json"), encoding: .utf8)
        XCTAssertEqual(written.trimmingCharacters(in: .whitespacesAndNewlines), #"{"max_depth":6,"penalty":"l1"}"#)
    }

    func testAFailingProgramReportsItsStatusAndLastErrorLine() throws {
        let dir = try scratch()
        let t = try trainer("echo 'starting' >&2; echo 'ValueError: bad input' >&2; exit 3", in: dir)
        let outcome = try t.run(onEpoch: { _ in })
        guard case .failed(let reason) = outcome else { return XCTFail("expected failure, got \(outcome)") }
        XCTAssertTrue(reason.contains("status 3"), reason)
        XCTAssertTrue(reason.contains("ValueError: bad input"), reason)
    }

    func testStopTerminatesAProgramThatIgnoresNothing() throws {
        let dir = try scratch()
        let t = try trainer("i=1; while true; do echo \"{\\\"epoch\\\": $i}\"; i=$((i+1)); sleep 0.05; done", in: dir)
        var seen = 0
        let started = Date()
        let outcome = try t.run(onEpoch: { _ in
            seen += 1
            if seen == 3 { t.stop(grace: 5) }
        })
        XCTAssertEqual(outcome, .stopped)
        XCTAssertLessThan(Date().timeIntervalSince(started), 4, "SIGTERM alone ends a cooperative program")
    }

    func testStopKillsAProgramThatIgnoresTerm() throws {
        let dir = try scratch()
        let t = try trainer("trap '' TERM; echo '{\"epoch\": 1}'; while true; do sleep 0.05; done", in: dir)
        let started = Date()
        let outcome = try t.run(onEpoch: { _ in t.stop(grace: 0.5) })
        XCTAssertEqual(outcome, .stopped)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(elapsed, 0.4, "TERM was ignored, so it waited for the grace period")
        XCTAssertLessThan(elapsed, 10)
    }

    func testMissingProgramIsAClearFailure() throws {
        let dir = try scratch()
        let t = try CommandTrainer(command: ["rung-no-such-program-xyz"], params: [:], trialID: 1,
                                   dataDirectory: dir, outputDirectory: dir.appendingPathComponent("o"))
        let outcome = try t.run(onEpoch: { _ in })
        guard case .failed(let reason) = outcome else { return XCTFail("expected failure, got \(outcome)") }
        XCTAssertTrue(reason.contains("status 127"), reason)
    }

    func testMetricLineParsing() {
        XCTAssertEqual(CommandTrainer.parseMetricLine(#"{"epoch": 3, "val_auc": 0.71}"#)?.metrics, ["val_auc": 0.71])
        XCTAssertNil(CommandTrainer.parseMetricLine(#"{"val_auc": 0.71}"#), "no epoch")
        XCTAssertNil(CommandTrainer.parseMetricLine(#"{"epoch": 0}"#), "epochs count from 1")
        XCTAssertNil(CommandTrainer.parseMetricLine(#"{"epoch": 1.5}"#))
        XCTAssertNil(CommandTrainer.parseMetricLine(#"{"epoch": "2"}"#))
        XCTAssertNil(CommandTrainer.parseMetricLine("epoch 3 auc 0.7"))
    }
}
