import Foundation
import XCTest

/// One rule for defaults from the environment (docs/cli.md): an empty `RUNG_DB` means the
/// default store, `sqlite:.rung/rung.db`, for every command.
final class EnvironmentDefaultsTests: XCTestCase {
    private let emptyDB = ["RUNG_DB": "", "RUNG_ARTIFACTS": ""]

    func testEmptyRungDBIsTheDefaultForLeaderboard() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let r = try RungProcess.run(["leaderboard"], in: dir, environment: emptyDB)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("sqlite:.rung/rung.db"), r.stdout + r.stderr)
    }

    func testEmptyRungDBIsTheDefaultForHead() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        // The store opens first; the endpoint is then refused, so the head exits at once.
        let r = try RungProcess.run(["head", "--listen", "tcp://127.0.0.1:not-a-port"], in: dir, environment: emptyDB)
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot listen on tcp://127.0.0.1:not-a-port"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".rung/rung.db").path),
                      "the head opened the default store")
    }

    func testEmptyRungDBIsTheDefaultForRun() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let config = dir.appendingPathComponent("bad.yaml")
        try "name: x\nmetric: {name: val_auc, mode: sideways}\n".write(to: config, atomically: true, encoding: .utf8)
        // The store and the head open first; the config is then rejected.
        let r = try RungProcess.run(["run", config.path, "--workers", "1"], in: dir, environment: emptyDB)
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.yaml"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".rung/rung.db").path),
                      "the run opened the default store")
    }
}
