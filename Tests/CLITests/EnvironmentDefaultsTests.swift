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
        // A head that cannot listen touches no store (the port is checked first) …
        let r = try RungProcess.run(["head", "--listen", "tcp://127.0.0.1:not-a-port"], in: dir, environment: emptyDB)
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot listen on tcp://127.0.0.1:not-a-port"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".rung").path), "no store before the port")
        // … and one that can opens the default store.
        let head = Process()
        head.executableURL = RungProcess.executable
        head.arguments = ["head", "--listen", try RungProcess.freeEndpoint()]
        head.currentDirectoryURL = dir
        head.environment = ProcessInfo.processInfo.environment.merging(emptyDB) { $1 }
        head.standardOutput = FileHandle.nullDevice
        head.standardError = FileHandle.nullDevice
        try head.run()
        defer { if head.isRunning { head.interrupt() }; head.waitUntilExit() }
        XCTAssertTrue(waitUntil("the head opens the default store", timeout: 30) {
            FileManager.default.fileExists(atPath: dir.appendingPathComponent(".rung/rung.db").path)
        })
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
