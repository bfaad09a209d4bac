import Foundation
import RungCLI
import RungCore
import RungStore
import XCTest

/// `rung leaderboard`'s ranking and layout, in-process: a sweep read from a temporary
/// store, rendered at given widths with and without colour.
final class LeaderboardViewTests: XCTestCase {
    private func view(family: String? = nil, top: Int = 10) throws -> (LeaderboardView, [String: Int64]) {
        let fixture = try CLIStoreFixture(self)
        let now = Date()
        let (sweep, ids) = try fixture.buildSweep(now: now)
        let store = try fixture.open()
        defer { store.close() }
        let snapshot = try SweepSnapshot.load(try SweepSnapshot.sweep(id: sweep, in: store), from: store)
        return (LeaderboardView(snapshot: snapshot, family: family, top: top, now: now), ids)
    }

    private func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    func testRanksByTheLastEpochTiesToMoreEpochsUnvaluedLast() throws {
        let (view, ids) = try view()
        XCTAssertEqual(view.total, 7)
        let order = view.shown.map(\.trial.id)
        // Lower is better: b 0.40; c and f tie at 0.44, c has more epochs; a 0.45.
        XCTAssertEqual(Array(order.prefix(4)), [ids["b"], ids["c"], ids["f"], ids["a"]])
        XCTAssertEqual(Set(order.suffix(3)), Set([ids["d"], ids["e"], ids["g"]].compactMap { $0 }), "trials without a value rank last")
        XCTAssertEqual(view.shown.map(\.rank), Array(1...7))

        let (forest, _) = try self.view(family: "random_forest", top: 2)
        XCTAssertEqual(forest.total, 3)
        XCTAssertEqual(forest.shown.map(\.trial.id), [ids["c"], ids["f"]])
        XCTAssertEqual(forest.shown.map(\.familyRank), [1, 2])
        let table = lines(forest.text(width: nil, styled: false))
        XCTAssertTrue(table[0].hasSuffix("· family random_forest · top 2 of 3"), table[0])
        XCTAssertEqual(table[2].split(separator: " ").first, "1", "with a family the rank is the family rank: \(table[2])")
    }

    func testTheTableFitsTheWidthCuttingParametersThenDroppingWorker() throws {
        let (view, _) = try view()
        let full = lines(view.text(width: nil, styled: false))
        XCTAssertTrue(full.contains { $0.count > 80 }, "the fixture's table is wider than 80 columns")
        XCTAssertTrue(full[2].contains("learning_rate=0.01235 max_depth=4"), "no width: every character: \(full[2])")

        let eighty = lines(view.text(width: 80, styled: false))
        XCTAssertTrue(eighty.allSatisfy { $0.count <= 80 }, eighty.joined(separator: "\n"))
        XCTAssertEqual(eighty.count, full.count, "no row is lost")
        XCTAssertEqual(eighty[1].split(separator: " ").map(String.init),
                       ["RANK", "TRIAL", "FAMILY", "STATUS", "EPOCHS", "VAL_LOGLOSS", "PARAMS", "DURATION"],
                       "the worker column goes first")
        XCTAssertTrue(eighty[2].contains("learning_r") && eighty[2].contains("…"), eighty[2])

        let ninety = lines(view.text(width: 90, styled: false))
        XCTAssertTrue(ninety.allSatisfy { $0.count <= 90 }, ninety.joined(separator: "\n"))
        XCTAssertEqual(ninety[1].split(separator: " ").map(String.init),
                       ["RANK", "TRIAL", "FAMILY", "STATUS", "EPOCHS", "VAL_LOGLOSS", "PARAMS", "WORKER", "DURATION"])
        let workerOffset = try XCTUnwrap(ninety[1].range(of: "WORKER")).lowerBound.utf16Offset(in: ninety[1])
        for row in ninety.dropFirst(2) {
            let worker = String(row.dropFirst(workerOffset).prefix(2))
            XCTAssertTrue(["w1", "w2", "—"].contains { worker.hasPrefix($0) }, "WORKER column aligned in: \(row)")
        }

        let narrow = lines(view.text(width: 30, styled: false))
        XCTAssertEqual(narrow[0].count, 30, "the headline is cut to the width")
        XCTAssertTrue(narrow[0].hasSuffix("…"), narrow[0])
    }

    func testStatusColoursOnlyWhenStyledAndEscapesDoNotCountTowardsTheWidth() throws {
        let (view, _) = try view()
        let plain = view.text(width: 80, styled: false)
        XCTAssertFalse(plain.contains("\u{1B}"), plain)
        let coloured = view.text(width: 80, styled: true)
        XCTAssertTrue(coloured.contains("\u{1B}[31mfailed\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[32mfinished\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[36mrunning\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[2mstopped\u{1B}[0m"), coloured)
        XCTAssertEqual(withoutEscapes(coloured), plain, "colour changes nothing but the escape codes")
        XCTAssertFalse(lines(coloured)[1].contains("\u{1B}"), "the header is never coloured")
    }

    func testCSVAndJSON() throws {
        let (view, ids) = try view(family: "xgboost", top: 3)
        let csv = lines(view.csv())
        XCTAssertEqual(csv.first, "rank,family_rank,trial,family,status,epochs,val_logloss,worker,duration_seconds,params")
        XCTAssertEqual(csv.count, 4)
        XCTAssertTrue(csv[1].hasPrefix("1,1,\(ids["b"]!),xgboost,running,1,0.4,w2,"), csv[1])
        XCTAssertTrue(csv[1].hasSuffix(#""{""learning_rate"":0.0123456,""max_depth"":4}""#), "JSON params are quoted: \(csv[1])")
        XCTAssertFalse(view.csv().contains("\u{1B}"))

        let data = try JSONEncoder().encode(view.json())
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(document["total"] as? Int, 4)
        XCTAssertEqual(document["family"] as? String, "xgboost")
        let trials = try XCTUnwrap(document["trials"] as? [[String: Any]])
        XCTAssertEqual(trials.map { $0["trial"] as? Int64 }, [ids["b"], ids["a"], ids["g"]])
        XCTAssertEqual(trials.map { $0["family_rank"] as? Int }, [1, 2, 3])
        XCTAssertTrue(trials[2]["value"] is NSNull, "a trial without the metric has a null value")
        XCTAssertEqual(trials[1]["duration_seconds"] as? Double ?? 0, 90, accuracy: 0.001)
    }

    func testTerminalTableAlignsNumbersRightAndKeepsShortTablesWhole() {
        let table = TerminalTable.render(["NAME", "N"], [["a", "5"], ["bbb", "12"], ["c", "—"]], styled: false)
        XCTAssertEqual(table, "NAME   N\na      5\nbbb   12\nc      —")
        let cut = TerminalTable.render(["ID", "TEXT", "MORE"], [["1", String(repeating: "x", count: 40), "yy"]],
                                       width: 14, shrink: 1, drop: [2], styled: false)
        XCTAssertEqual(cut, "ID  TEXT\n 1  xxxxxxxxx…", "cut to 14 columns; the id column is numeric, so right-aligned")
        XCTAssertFalse(cut.contains("MORE"), "the drop column goes when cutting is not enough: \(cut)")
        XCTAssertTrue(cut.contains("…"), cut)
    }

    func testStatusColourRules() {
        XCTAssertEqual(TerminalStyle.colour(forStatus: "finished"), "32")
        XCTAssertEqual(TerminalStyle.colour(forStatus: "production"), "32")
        XCTAssertEqual(TerminalStyle.colour(forStatus: "running"), "36")
        XCTAssertEqual(TerminalStyle.colour(forStatus: "staging"), "33")
        XCTAssertEqual(TerminalStyle.colour(forStatus: "lost"), "31")
        XCTAssertEqual(TerminalStyle.colour(forStatus: "archived"), "2")
        XCTAssertNil(TerminalStyle.colour(forStatus: "something-else"))
        XCTAssertEqual(TerminalStyle.paint("x", "31", enabled: true), "\u{1B}[31mx\u{1B}[0m")
        XCTAssertEqual(TerminalStyle.paint("x", "31", enabled: false), "x")
        XCTAssertEqual(TerminalStyle.paint("x", nil, enabled: true), "x")
    }
}
