import Foundation
import RungStore
import XCTest
import RungCore

final class WorkersCommandTests: XCTestCase {
    func testListsWorkersByNameWithHowLongAgoTheyWereSeen() throws {
        let fixture = try StoreFixture(self)
        let now = Date()
        do {
            let store = try fixture.open()
            defer { store.close() }
            try store.saveWorker(WorkerRecord(name: "worker-b", host: "10.0.0.12", slots: 4, status: .lost,
                                              firstSeen: now.addingTimeInterval(-4000), lastSeen: now.addingTimeInterval(-600)))
            try store.saveWorker(WorkerRecord(name: "worker-a", host: "10.0.0.11", slots: 2, status: .active,
                                              firstSeen: now.addingTimeInterval(-4000), lastSeen: now.addingTimeInterval(-5)))
        }
        let r = try RungProcess.run(fixture.args(["workers"]))
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(lines.count, 3, r.stdout)
        XCTAssertEqual(lines[0], ["NAME", "HOST", "SLOTS", "STATUS", "LAST", "SEEN"])
        XCTAssertEqual(Array(lines[1].prefix(4)), ["worker-a", "10.0.0.11", "2", "active"])
        XCTAssertEqual(Array(lines[2].prefix(4)), ["worker-b", "10.0.0.12", "4", "lost"])
        XCTAssertTrue(lines[1].suffix(2) == ["5s", "ago"] || lines[1].suffix(2) == ["6s", "ago"], r.stdout)
        XCTAssertEqual(lines[2].suffix(3), ["10m", "00s", "ago"])

        let json = try jsonObject(RungProcess.run(fixture.args(["workers", "--json"])).stdout)
        let workers = try XCTUnwrap(json["workers"] as? [[String: Any]])
        XCTAssertEqual(workers.map { $0["name"] as? String }, ["worker-a", "worker-b"])
        XCTAssertEqual(workers[1]["slots"] as? Int, 4)
        XCTAssertEqual(workers[1]["last_seen_seconds_ago"] as? Double ?? 0, 600, accuracy: 30)
    }

    func testNoStoreNoWorkers() throws {
        let fixture = try StoreFixture(self)
        let r = try RungProcess.run(fixture.args(["workers"]))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("no workers yet"), r.stdout)
        let json = try RungProcess.run(fixture.args(["workers", "--json"]))
        XCTAssertEqual((try jsonObject(json.stdout)["workers"] as? [Any])?.count, 0)
    }

    func testAPasswordInTheStoreURLIsNeverPrinted() throws {
        let r = try RungProcess.run(["workers", "--db", "postgresql://rung:s3cret@127.0.0.1:1/rung"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertFalse(r.stderr.contains("s3cret") || r.stdout.contains("s3cret"), r.stderr)
        XCTAssertTrue(r.stderr.contains("***"), r.stderr)
    }
}
