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
}
