import Foundation
import RungStore
import XCTest
import RungCore

/// Read-only commands through a running head (`--head ENDPOINT`) for machines that cannot
/// open the store: they print what they print from the store itself.
final class HeadStoreReadsTests: XCTestCase {
    func testWorkersThroughTheHeadMatchTheStore() throws {
        let fixture = try StoreFixture(self)
        let now = Date()
        do {
            let store = try fixture.open()
            defer { store.close() }
            try store.saveWorker(WorkerRecord(name: "worker-b", host: "10.0.0.12", slots: 4, status: .lost,
                                              firstSeen: now.addingTimeInterval(-4000), lastSeen: now.addingTimeInterval(-600)))
            try store.saveWorker(WorkerRecord(name: "worker-a", host: "10.0.0.11", slots: 2, status: .left,
                                              firstSeen: now.addingTimeInterval(-4000), lastSeen: now.addingTimeInterval(-90)))
        }
        let endpoint = "tcp://127.0.0.1:\(Int.random(in: 20_000..<45_000))"
        let head = Process()
        head.executableURL = RungProcess.executable
        head.arguments = fixture.args(["head", "--listen", endpoint])
        head.standardOutput = FileHandle.nullDevice
        head.standardError = FileHandle.nullDevice
        try head.run()
        defer { if head.isRunning { head.terminate() }; head.waitUntilExit() }

        let remote = try RungProcess.run(["workers", "--head", endpoint, "--json"])
        XCTAssertEqual(remote.status, 0, remote.stderr)
        let local = try RungProcess.run(fixture.args(["workers", "--json"]))
        XCTAssertEqual(local.status, 0, local.stderr)
        let remoteJSON = try jsonObject(remote.stdout), localJSON = try jsonObject(local.stdout)
        XCTAssertEqual(remoteJSON["store"] as? String, localJSON["store"] as? String)
        let remoteWorkers = try XCTUnwrap(remoteJSON["workers"] as? [[String: Any]])
        let localWorkers = try XCTUnwrap(localJSON["workers"] as? [[String: Any]])
        XCTAssertEqual(remoteWorkers.map { $0["name"] as? String }, ["worker-a", "worker-b"])
        for key in ["name", "host", "status", "first_seen", "last_seen"] {
            XCTAssertEqual(remoteWorkers.map { $0[key] as? String }, localWorkers.map { $0[key] as? String }, key)
        }
        XCTAssertEqual(remoteWorkers.map { $0["slots"] as? Int }, [2, 4])
        XCTAssertEqual(remoteWorkers[1]["last_seen_seconds_ago"] as? Double ?? 0, 600, accuracy: 30)

        let table = try RungProcess.run(["workers", "--head", endpoint])
        XCTAssertEqual(table.status, 0, table.stderr)
        let rows = table.stdout.split(separator: "\n").map { Array($0.split(separator: " ").map(String.init).prefix(4)) }
        XCTAssertEqual(rows, [["NAME", "HOST", "SLOTS", "STATUS"], ["worker-a", "10.0.0.11", "2", "left"], ["worker-b", "10.0.0.12", "4", "lost"]],
                       table.stdout)
    }

    func testWorkersThroughAnUnreachableHeadIsExit69() throws {
        let r = try RungProcess.run(["workers", "--head", "tcp://127.0.0.1:9"])
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot reach the head at tcp://127.0.0.1:9"), r.stderr)
    }

    /// Equal JSON values, with numbers equal within `tolerance` (times measured against "now"
    /// differ between two runs) and the `store` location left out (the copy names the head).
    private func assertSameJSON(_ a: Any, _ b: Any, path: String = "", tolerance: Double = 2,
                                file: StaticString = #filePath, line: UInt = #line) {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            let keys = Set(x.keys).union(y.keys).subtracting(["store"])
            for key in keys.sorted() {
                guard let xv = x[key], let yv = y[key] else {
                    XCTFail("\(path).\(key) is only on one side", file: file, line: line)
                    continue
                }
                assertSameJSON(xv, yv, path: path + "." + key, tolerance: tolerance, file: file, line: line)
            }
        case (let x as [Any], let y as [Any]):
            XCTAssertEqual(x.count, y.count, "\(path) count", file: file, line: line)
            for (i, (xv, yv)) in zip(x, y).enumerated() {
                assertSameJSON(xv, yv, path: "\(path)[\(i)]", tolerance: tolerance, file: file, line: line)
            }
        case (let x as NSNumber, let y as NSNumber) where !(x is Bool):
            XCTAssertEqual(x.doubleValue, y.doubleValue, accuracy: tolerance, path, file: file, line: line)
        default:
            XCTAssertEqual("\(a)", "\(b)", path, file: file, line: line)
        }
    }

    func testLeaderboardAndSweepListingsThroughTheHeadMatchTheStore() throws {
        let fixture = try StoreFixture(self)
        try fixture.buildTwoSweeps()
        let endpoint = try RungProcess.freeEndpoint()
        let log = fixture.directory.appendingPathComponent("head.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let head = Process()
        head.executableURL = RungProcess.executable
        head.arguments = fixture.args(["head", "--listen", endpoint])
        head.standardOutput = FileHandle.nullDevice
        head.standardError = try FileHandle(forWritingTo: log)
        try head.run()
        defer { if head.isRunning { head.terminate() }; head.waitUntilExit() }

        for command in [["leaderboard", "--json"], ["leaderboard", "1", "--json", "--family", "xgboost"],
                        ["sweep", "show", "1", "--json"], ["sweep", "show", "2", "--json"], ["sweep", "ls", "--json"]] {
            let remote = try RungProcess.run(command + ["--head", endpoint])
            XCTAssertEqual(remote.status, 0, "\(command): \(remote.stderr)")
            let local = try RungProcess.run(fixture.args(command))
            XCTAssertEqual(local.status, 0, "\(command): \(local.stderr)")
            let remoteJSON = try jsonObject(remote.stdout), localJSON = try jsonObject(local.stdout)
            assertSameJSON(remoteJSON, localJSON, path: command.joined(separator: " "))
            if let store = remoteJSON["store"] as? String {
                XCTAssertTrue(store.hasSuffix("(through the head at \(endpoint))"), store)
            }
        }
        // The table reads the same too, and a sweep the head's store does not hold is exit 65.
        let table = try RungProcess.run(["leaderboard", "1", "--head", endpoint])
        XCTAssertEqual(table.stdout, try RungProcess.run(fixture.args(["leaderboard", "1"])).stdout)
        let missing = try RungProcess.run(["sweep", "show", "99", "--head", endpoint])
        XCTAssertEqual(missing.status, 65, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("there is no sweep 99"), missing.stderr)
    }
}
