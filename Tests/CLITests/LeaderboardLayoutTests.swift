import Foundation
import XCTest

/// `rung leaderboard` at a terminal's width, without colour where it must not have any,
/// and as CSV and JSON that parse.
final class LeaderboardLayoutTests: XCTestCase {
    private func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    func testTheTableFitsTheWidthAndWideKeepsEverything() throws {
        let fixture = try StoreFixture(self)
        try fixture.buildTwoSweeps()
        let full = try RungProcess.run(fixture.args(["leaderboard"]), environment: ["COLUMNS": ""])
        XCTAssertEqual(full.status, 0, full.stderr)
        XCTAssertTrue(lines(full.stdout).contains { $0.count > 80 }, "the fixture's table is wider than 80 columns:\n\(full.stdout)")
        XCTAssertTrue(full.stdout.contains("learning_rate=0.01235 max_depth=4"), "a pipe without $COLUMNS gets every character")

        let eighty = try RungProcess.run(fixture.args(["leaderboard"]), environment: ["COLUMNS": "80"])
        XCTAssertEqual(eighty.status, 0, eighty.stderr)
        let rows = lines(eighty.stdout)
        XCTAssertTrue(rows.allSatisfy { $0.count <= 80 }, "every line fits 80 columns:\n\(eighty.stdout)")
        XCTAssertEqual(rows.count, lines(full.stdout).count, "no row is lost")
        XCTAssertEqual(rows[1].split(separator: " ").map(String.init),
                       ["RANK", "TRIAL", "FAMILY", "STATUS", "EPOCHS", "VAL_LOGLOSS", "PARAMS", "DURATION"],
                       "the worker column goes first")
        XCTAssertTrue(rows[2].contains("learning_r") && rows[2].contains("…"), "the parameters are cut: \(rows[2])")

        let ninety = lines(try RungProcess.run(fixture.args(["leaderboard"]), environment: ["COLUMNS": "90"]).stdout)
        XCTAssertTrue(ninety.allSatisfy { $0.count <= 90 }, ninety.joined(separator: "\n"))
        XCTAssertEqual(ninety[1].split(separator: " ").map(String.init),
                       ["RANK", "TRIAL", "FAMILY", "STATUS", "EPOCHS", "VAL_LOGLOSS", "PARAMS", "WORKER", "DURATION"])
        XCTAssertTrue(ninety[2].contains("…"), "the parameters are cut: \(ninety[2])")
        // Columns stay aligned: the WORKER column starts at the same offset in every row.
        let workerOffset = try XCTUnwrap(ninety[1].range(of: "WORKER")).lowerBound.utf16Offset(in: ninety[1])
        for row in ninety.dropFirst(2) {
            let worker = String(row.dropFirst(workerOffset).prefix(2))
            XCTAssertTrue(["w1", "w2", "—"].contains { worker.hasPrefix($0) }, "WORKER column in: \(row)")
        }

        let wide = try RungProcess.run(fixture.args(["leaderboard", "--wide"]), environment: ["COLUMNS": "80"])
        XCTAssertEqual(wide.stdout, full.stdout, "--wide never cuts")
    }

    func testNoEscapeCodesInAPipeEvenWithoutNoColor() throws {
        let fixture = try StoreFixture(self)
        try fixture.buildTwoSweeps()
        for args in [["leaderboard"], ["leaderboard", "--csv"], ["leaderboard", "--json"], ["leaderboard", "1"]] {
            let r = try RungProcess.run(fixture.args(args), environment: ["NO_COLOR": ""])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(r.stdout.contains("\u{1B}"), "\(args) in a pipe: \(r.stdout)")
        }
    }

    /// On a terminal (`script` gives rung a pseudo-terminal), an empty NO_COLOR does not turn
    /// colour off (no-color.org: only a non-empty value does).
    func testAnEmptyNoColorStillColoursOnATerminal() throws {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else {
            XCTFail("/usr/bin/script (util-linux) is needed to run rung on a pseudo-terminal")
            return
        }
        let fixture = try StoreFixture(self)
        try fixture.buildTwoSweeps()
        func onTerminal(_ noColor: String) throws -> String {
            let command = (["NO_COLOR=\(noColor)", "COLUMNS=80", RungProcess.executable.path] + fixture.args(["leaderboard"]))
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
        let coloured = try onTerminal("")
        XCTAssertTrue(coloured.contains("\u{1B}[31mfailed\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[32mfinished\u{1B}[0m"), coloured)
        let plain = try onTerminal("1")
        XCTAssertFalse(plain.contains("\u{1B}["), plain)
        // The escape codes do not count towards the width: the coloured rows fit 80 columns.
        let visible = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        XCTAssertTrue(visible.split(whereSeparator: \.isNewline).allSatisfy { $0.count <= 80 }, visible)
    }

    func testCSVAndJSONParseAndFilter() throws {
        let fixture = try StoreFixture(self)
        let ids = try fixture.buildTwoSweeps()
        let csv = try RungProcess.run(fixture.args(["leaderboard", "--csv", "--family", "random_forest", "--top", "2"]))
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let records = try CSVText.parse(csv.stdout)
        XCTAssertEqual(records.first, ["rank", "family_rank", "trial", "family", "status", "epochs", "val_logloss",
                                       "worker", "duration_seconds", "params"])
        XCTAssertEqual(records.count, 3, csv.stdout)
        XCTAssertTrue(records.allSatisfy { $0.count == 10 }, "every record has ten fields: \(records)")
        XCTAssertEqual(records.dropFirst().map { $0[3] }, ["random_forest", "random_forest"])
        XCTAssertEqual(records.dropFirst().map { Int64($0[2]) }, [ids["c"], ids["f"]])
        XCTAssertEqual(records.dropFirst().map { $0[1] }, ["1", "2"], "ranks within the family")
        let params = try JSONSerialization.jsonObject(with: Data(records[1][9].utf8)) as? [String: Any]
        XCTAssertEqual(params?["max_depth"] as? Int, 3, "the params field is JSON: \(records[1][9])")

        let json = try RungProcess.run(fixture.args(["leaderboard", "--json", "--family", "xgboost", "--top", "3"]))
        XCTAssertEqual(json.status, 0, json.stderr)
        let document = try jsonObject(json.stdout)
        let trials = try XCTUnwrap(document["trials"] as? [[String: Any]])
        XCTAssertEqual(trials.count, 3)
        XCTAssertEqual(document["total"] as? Int, 4, "xgboost has four trials")
        XCTAssertEqual(document["family"] as? String, "xgboost")
        XCTAssertTrue(trials.allSatisfy { $0["family"] as? String == "xgboost" })
        XCTAssertEqual(trials.map { $0["family_rank"] as? Int }, [1, 2, 3])
    }
}

/// A small RFC 4180 reader for checking `--csv` output.
enum CSVText {
    /// The records of `text`; quoted fields may hold commas, doubled quotes and newlines.
    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else if c != "\r" {
                field.append(c)
            }
        }
        if quoted { throw CocoaError(.fileReadCorruptFile) }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
