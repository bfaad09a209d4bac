import Foundation
import RungStore
import XCTest

final class LeaderboardCommandTests: XCTestCase {
    func testDefaultsToTheLatestSweepAndRanksByTheLastEpoch() throws {
        let fixture = try StoreFixture(self)
        let ids = try fixture.buildTwoSweeps()
        // val_logloss, min: b 0.40; c 0.44 (3 epochs) before f 0.44 (2 epochs); a 0.45; then
        // the trials without a value: d (NaN, 1 epoch) and g (missing, 1 epoch) by id, e (no epochs).
        let expected = ["b", "c", "f", "a", "d", "g", "e"].map { ids[$0]! }

        let table = try RungProcess.run(fixture.args(["leaderboard"]))
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].contains("sweep 2 health-predict (running)") && lines[0].contains("val_logloss, min"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("RANK") && lines[1].contains("VAL_LOGLOSS") && lines[1].contains("WORKER"), lines[1])
        let rows = Array(lines.dropFirst(2))
        XCTAssertEqual(rows.count, 7, table.stdout)
        let columns = rows.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        XCTAssertEqual(columns.map { Int($0[0]) }, Array(1...7))
        XCTAssertEqual(columns.map { Int64($0[1]) }, expected)
        XCTAssertEqual(columns[0][3], "running")
        XCTAssertEqual(columns[0][5], "0.4000")
        XCTAssertEqual(columns[4][5], "—", "NaN shows as missing")
        XCTAssertTrue(rows[0].contains("learning_rate=0.01235 max_depth=4"), rows[0])
        XCTAssertTrue(rows[3].contains("w1") && rows[3].contains("1m 30s"), "worker and duration: \(rows[3])")
        // Columns are aligned: the metric column starts at the same offset in every row.
        let offsets = rows.compactMap { row in row.range(of: columns[rows.firstIndex(of: row)!][5]).map { row.distance(from: row.startIndex, to: $0.lowerBound) } }
        XCTAssertEqual(Set(offsets.prefix(4)).count, 1, table.stdout)

        let json = try RungProcess.run(fixture.args(["leaderboard", "--json"]))
        XCTAssertEqual(json.status, 0, json.stderr)
        let document = try jsonObject(json.stdout)
        let trials = try XCTUnwrap(document["trials"] as? [[String: Any]])
        XCTAssertEqual(trials.map { $0["trial"] as? Int64 }, expected)
        XCTAssertEqual(document["total"] as? Int, 7)
        XCTAssertTrue(trials[4]["value"] is NSNull, "a NaN metric is null")
        XCTAssertEqual(trials[0]["value"] as? Double, 0.40)
        XCTAssertEqual(trials[1]["epoch"] as? Int, 3)
        XCTAssertEqual(trials.map { $0["family_rank"] as? Int }, [1, 1, 2, 2, 3, 3, 4])
    }

    func testTopFamilyAndAnExplicitSweep() throws {
        let fixture = try StoreFixture(self)
        let ids = try fixture.buildTwoSweeps()
        let top = try jsonObject(RungProcess.run(fixture.args(["leaderboard", "--top", "2", "--json"])).stdout)
        XCTAssertEqual((top["trials"] as? [[String: Any]])?.map { $0["trial"] as? Int64 }, [ids["b"], ids["c"]])

        let family = try RungProcess.run(fixture.args(["leaderboard", "--family", "xgboost"]))
        XCTAssertEqual(family.status, 0, family.stderr)
        let rows = family.stdout.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows.map { Int64($0[1]) }, ["b", "a", "g", "e"].map { ids[$0]! })
        XCTAssertEqual(rows.map { $0[0] }, ["1", "2", "3", "4"], "ranks within the family")
        XCTAssertTrue(rows.allSatisfy { $0[2] == "xgboost" })

        // Sweep 1 maximises val_auc: trial 1 and 3 tie at 0.66 with 3 epochs (lower id first),
        // logistic_regression 0.64, and the stopped trial at its last value 0.62 (not its peak 0.70).
        let old = try jsonObject(RungProcess.run(fixture.args(["leaderboard", "1", "--json"])).stdout)
        XCTAssertEqual((old["sweep"] as? [String: Any])?["name"] as? String, "nightly-old")
        XCTAssertEqual((old["trials"] as? [[String: Any]])?.map { $0["trial"] as? Int64 }, [1, 3, 4, 2])

        let unknown = try RungProcess.run(fixture.args(["leaderboard", "--family", "catboost"]))
        XCTAssertEqual(unknown.status, 65)
        XCTAssertTrue(unknown.stderr.contains("catboost"), unknown.stderr)
        let badTop = try RungProcess.run(fixture.args(["leaderboard", "--top", "0"]))
        XCTAssertEqual(badTop.status, 64, badTop.stderr)
        let both = try RungProcess.run(fixture.args(["leaderboard", "--json", "--csv"]))
        XCTAssertEqual(both.status, 64, both.stderr)
        let missing = try RungProcess.run(fixture.args(["leaderboard", "9"]))
        XCTAssertEqual(missing.status, 65)
        XCTAssertTrue(missing.stderr.contains("sweep 9"), missing.stderr)
    }

    func testCSVHasAHeaderAndOneRowPerTrial() throws {
        let fixture = try StoreFixture(self)
        let ids = try fixture.buildTwoSweeps()
        let csv = try RungProcess.run(fixture.args(["leaderboard", "--csv", "--top", "3"]))
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "rank,family_rank,trial,family,status,epochs,val_logloss,worker,duration_seconds,params")
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[1].hasPrefix("1,1,\(ids["b"]!),xgboost,running,1,0.4,w2,"), lines[1])
        XCTAssertTrue(lines[1].hasSuffix(#""{""learning_rate"":0.0123456,""max_depth"":4}""#), "params are one quoted field: \(lines[1])")
    }

    func testNoStoreOrNoSweepIsAFriendlyMessage() throws {
        let fixture = try StoreFixture(self)
        let none = try RungProcess.run(fixture.args(["leaderboard"]))
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertEqual(none.stdout, "no sweeps yet: nothing has run with store \(fixture.db)\n")
        let json = try RungProcess.run(fixture.args(["leaderboard", "--json"]))
        XCTAssertEqual(json.status, 0)
        XCTAssertTrue(try jsonObject(json.stdout)["sweep"] is NSNull)
        try fixture.open().close()  // an empty store
        let empty = try RungProcess.run(fixture.args(["leaderboard"]))
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stdout.hasPrefix("no sweeps yet"), empty.stdout)
    }

    func testReadsWhileAHeadHoldsTheWriterLock() throws {
        let fixture = try StoreFixture(self)
        let ids = try fixture.buildTwoSweeps()
        let head = try fixture.open()
        defer { head.close() }
        let r = try RungProcess.run(fixture.args(["leaderboard", "--top", "1", "--json"]))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual((try jsonObject(r.stdout)["trials"] as? [[String: Any]])?.first?["trial"] as? Int64, ids["b"])
    }

    /// Status words are coloured only on a terminal and only without NO_COLOR; `script`
    /// (util-linux) gives the command a pseudo-terminal.
    func testStatusColoursOnlyOnATerminalWithoutNoColor() throws {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else {
            return XCTFail("/usr/bin/script (util-linux) is needed to run rung on a pseudo-terminal (a missing tool fails the test; it is not skipped)")
        }
        let fixture = try StoreFixture(self)
        try fixture.buildTwoSweeps()
        func onTerminal(_ environment: String) throws -> String {
            let command = ([environment, RungProcess.executable.path] + fixture.args(["leaderboard", "--top", "2"]))
                .map { "'\($0)'" }.joined(separator: " ")
            let process = Process()
            process.executableURL = script
            process.arguments = ["-qec", "env " + command, "/dev/null"]
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            return String(decoding: data, as: UTF8.self)
        }
        let coloured = try onTerminal("-uNO_COLOR")
        XCTAssertTrue(coloured.contains("\u{1B}[36mrunning\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[2mstopped\u{1B}[0m"), coloured)
        let plain = try onTerminal("NO_COLOR=1")
        XCTAssertTrue(plain.contains("running") && !plain.contains("\u{1B}["), plain)
    }
}
