import Foundation
import XCTest

/// `rung simulate --table`: a tabulated benchmark replayed in virtual time, and the
/// scheduler comparison printed from it.
final class SimulateTableTests: XCTestCase {
    private func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private let config = """
    name: table
    seed: 3
    metric: {name: val_auc, mode: max}
    searcher: {type: tpe, startup_trials: 3}
    scheduler: {type: asha, max_epochs: 4, grace_period: 1, reduction_factor: 2}
    families:
      xgboost:
        trials: 8
        space:
          max_depth: {type: int, low: 2, high: 8}
    """

    private let table = """
    {"family":"xgboost","config":0,"params":{"max_depth":2},"values":[0.60,0.61,0.62,0.63],"seconds":[1,1,1,1]}
    {"family":"xgboost","config":1,"params":{"max_depth":8},"values":[0.55,0.65,0.70,0.72],"seconds":[2,2,2,2]}
    {"family":"random_forest","config":0,"params":{"max_depth":5},"values":[0.9,0.9,0.9,0.9],"seconds":[1,1,1,1]}
    """

    func testTheComparisonPrintsOneRowPerCombination() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-simtable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = try write(config, "sweep.yaml", in: dir)
        let tbl = try write(table, "table.jsonl", in: dir)
        let r = try RungProcess.run(["simulate", cfg, "--table", tbl, "--compare-schedulers", "--repeats", "3", "--workers", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("**xgboost**: 3 seeds per row, 2 slots, 2 recorded configurations."), r.stdout)
        for name in ["fifo+random", "asha+random", "asha+tpe(last_result)", "asha+tpe(highest_rung)",
                     "promotion-asha+tpe(highest_rung)", "hyperband+tpe(highest_rung)", "fifo+tpe"] {
            XCTAssertTrue(r.stdout.contains("| \(name) | "), "row \(name) in \(r.stdout)")
        }
        XCTAssertFalse(r.stdout.contains("0.9000"), "another family's configurations are not replayed")

        let json = try RungProcess.run(["simulate", cfg, "--table", tbl, "--compare-schedulers", "--repeats", "2", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let families = try XCTUnwrap(doc["families"] as? [[String: Any]])
        XCTAssertEqual(families.first?["table_configurations"] as? Int, 2)
        let variants = try XCTUnwrap(families.first?["variants"] as? [[String: Any]])
        XCTAssertEqual(variants.count, 7)
        XCTAssertTrue(variants.allSatisfy { ($0["final_best"] as? [Double])?.allSatisfy { [0.63, 0.72].contains($0) } ?? false })

        // A single run replays the table's epoch times: FIFO, one slot, 8 trials of 4 or 8 s.
        let fifo = try write(config.replacingOccurrences(of: "{type: asha, max_epochs: 4, grace_period: 1, reduction_factor: 2}",
                                                         with: "{type: fifo, max_epochs: 4}"), "fifo.yaml", in: dir)
        let one = try RungProcess.run(["simulate", fifo, "--table", tbl, "--workers", "1", "--json"])
        XCTAssertEqual(one.status, 0, one.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
        let makespan = try XCTUnwrap(report["makespan"] as? Double)
        XCTAssertTrue((32...64).contains(makespan) && makespan.truncatingRemainder(dividingBy: 4) == 0, "\(makespan)")
    }

    func testATableWithoutEpochTimesOrTheFamilyIsRefusedByName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-simtable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = try write(config, "sweep.yaml", in: dir)
        let noSeconds = try write(#"{"family":"xgboost","config":0,"params":{"max_depth":2},"values":[0.6]}"#, "a.jsonl", in: dir)
        let r = try RungProcess.run(["simulate", cfg, "--table", noSeconds])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("a.jsonl: a table needs seconds on every line"), r.stderr)
        let other = try write(#"{"family":"random_forest","config":0,"params":{"max_depth":2},"values":[0.6],"seconds":[1]}"#, "b.jsonl", in: dir)
        let s = try RungProcess.run(["simulate", cfg, "--table", other])
        XCTAssertNotEqual(s.status, 0)
        XCTAssertTrue(s.stderr.contains("b.jsonl: no results to replay for family xgboost"), s.stderr)
        let both = try RungProcess.run(["simulate", cfg, "--table", other, "--curves", "noisy"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("either --table or --curves"), both.stderr)
    }
}
