import Foundation
import XCTest

/// `rung head` as a process and `rung sweep submit/cancel` talking to it over ZeroMQ.
final class HeadCommandTests: XCTestCase {
    func testSubmitThenCancelThroughARunningHead() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let data = try RungProcess.syntheticPreparedData(in: dir)
        let config = dir.appendingPathComponent("sweep.yaml")
        try """
        name: cli-head-test
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 3
            space: {max_depth: {type: int, low: 2, high: 4}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let endpoint = try RungProcess.freeEndpoint()
        let head = Process()
        head.executableURL = RungProcess.executable
        // Listening on a host name: the head resolves it (ZeroMQ alone would read it as a device).
        head.arguments = ["head", "--listen", endpoint.replacingOccurrences(of: "127.0.0.1", with: "localhost"),
                          "--db", "sqlite:\(dir.path)/rung.db", "--artifacts", dir.appendingPathComponent("artifacts").path]
        head.standardOutput = FileHandle.nullDevice
        head.standardError = FileHandle.nullDevice
        try head.run()
        defer { if head.isRunning { head.terminate() }; head.waitUntilExit() }

        let submit = try RungProcess.run(["sweep", "submit", config.path, "--head", endpoint, "--timeout", "30"])
        XCTAssertEqual(submit.status, 0, submit.stderr)

        // A second head on the same port stops before it touches its store or the working directory.
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let second = try RungProcess.run(["head", "--listen", endpoint, "--db", "sqlite:\(dir.path)/second.db",
                                          "--artifacts", dir.appendingPathComponent("second-artifacts").path], in: elsewhere)
        XCTAssertEqual(second.status, 69, second.stderr)
        XCTAssertTrue(second.stderr.contains("already in use"), second.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("second.db").path), "no store is created")
        XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent(".rung").path), "no .rung/ is created")
        let id = try XCTUnwrap(Int(submit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), submit.stdout)

        let cancel = try RungProcess.run(["sweep", "cancel", "\(id)", "--head", endpoint])
        XCTAssertEqual(cancel.status, 0, cancel.stderr)
        XCTAssertTrue(cancel.stdout.contains("cancelled"), cancel.stdout)
        let again = try RungProcess.run(["sweep", "cancel", "\(id)", "--head", endpoint])
        XCTAssertNotEqual(again.status, 0, "a sweep that is no longer running cannot be cancelled again")
        XCTAssertTrue(again.stderr.contains("not running"), again.stderr)

        let bad = dir.appendingPathComponent("bad.yaml")
        try "name: x\nmetric: {name: val_auc, mode: sideways}\n".write(to: bad, atomically: true, encoding: .utf8)
        let rejected = try RungProcess.run(["sweep", "submit", bad.path, "--head", endpoint])
        XCTAssertEqual(rejected.status, 65, rejected.stderr)
        XCTAssertTrue(rejected.stderr.contains("bad.yaml"), "the error names the file: \(rejected.stderr)")

        // A stop signal ends the head cleanly.
        head.interrupt()
        head.waitUntilExit()
        XCTAssertEqual(head.terminationStatus, 0)
    }

    func testAnUnreachableHeadIsExit69() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let config = dir.appendingPathComponent("s.yaml")
        try "name: x\n".write(to: config, atomically: true, encoding: .utf8)
        let r = try RungProcess.run(["sweep", "cancel", "1", "--head", "tcp://127.0.0.1:9"])
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertTrue(r.stderr.contains("tcp://127.0.0.1:9"), r.stderr)
        // A submission says at once what it waits for, and gives up after --timeout.
        try "name: x\nmetric: {name: val_auc, mode: max}\nfamilies: {xgboost: {trials: 1}}\n".write(to: config, atomically: true, encoding: .utf8)
        let s = try RungProcess.run(["sweep", "submit", config.path, "--head", "tcp://127.0.0.1:9", "--timeout", "1"])
        XCTAssertEqual(s.status, 69, s.stderr)
        XCTAssertTrue(s.stderr.contains("waiting for the head at tcp://127.0.0.1:9 (giving up after 1 s)"), s.stderr)
        XCTAssertTrue(s.stderr.contains("no reply within 1 s"), s.stderr)
        let bad = try RungProcess.run(["sweep", "submit", config.path, "--head", "tcp://127.0.0.1:9", "--timeout", "-3"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
    }

    func testTheHeadRefusesAPublicAddressWithoutKeysOrInsecure() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let r = try RungProcess.run(["head", "--listen", "tcp://0.0.0.0:7771", "--db", "sqlite:\(dir.path)/r.db"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("--insecure"), r.stderr)
    }
}
