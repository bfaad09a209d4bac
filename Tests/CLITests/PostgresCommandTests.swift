import Foundation
import RungCore
@testable import RungStore
import XCTest

/// The `rung` binary on a PostgreSQL store: reads while a head holds it, a second head
/// refused with exit 69, and the password nowhere in the output.
final class PostgresCommandTests: XCTestCase {
    func testTheBinaryReadsAPostgresStoreRefusesASecondHeadAndNeverPrintsThePassword() throws {
        let server = try PostgresTestServer.shared()
        let url = try server.createDatabase()
        let password = PostgresTestServer.password
        let head = try PostgresStore(url: url)
        let sweep = try head.createSweep(SweepRecord(name: "pg-sweep", configYAML: "name: pg-sweep\n", seed: 5, status: .running))

        let list = try RungProcess.run(["sweep", "ls", "--db", url, "--json"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("pg-sweep"), list.stdout)
        XCTAssertTrue(list.stdout.contains("rung:***@127.0.0.1"), list.stdout)
        let table = try RungProcess.run(["sweep", "ls", "--db", url])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("pg-sweep"), table.stdout)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rung-pg-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let second = try RungProcess.run(["head", "--listen", "tcp://127.0.0.1:0", "--db", url], in: directory)
        XCTAssertEqual(second.status, 69, second.stderr)
        XCTAssertTrue(second.stderr.contains("is in use by another head"), second.stderr)
        XCTAssertTrue(second.stderr.contains("pid \(getpid())"), second.stderr)

        let wrong = try RungProcess.run(["workers", "--db", url.replacingOccurrences(of: password, with: password + "x")])
        XCTAssertEqual(wrong.status, 69, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("password authentication failed"), wrong.stderr)

        for result in [list, table, second, wrong] {
            XCTAssertFalse(result.stdout.contains(password) || result.stderr.contains(password), result.stderr)
        }
        XCTAssertEqual(try head.sweep(id: sweep.id)?.name, "pg-sweep")
    }
}
