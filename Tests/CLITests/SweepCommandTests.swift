import Foundation
import RungStore
import XCTest
import RungCore

/// A store in a temporary directory filled through the RungStore API, and the
/// `--db`/`--artifacts` arguments that point `rung` at it.
struct StoreFixture {
    let directory: URL
    var databasePath: String { directory.appendingPathComponent("state/rung.db").path }
    var db: String { "sqlite:" + databasePath }
    var artifacts: URL { directory.appendingPathComponent("artifacts", isDirectory: true) }

    init(_ test: XCTestCase) throws {
        directory = try RungProcess.temporaryDirectory(test)
    }

    /// `args` followed by `--db` and `--artifacts` for this fixture.
    func args(_ args: [String]) -> [String] {
        args + ["--db", db, "--artifacts", artifacts.path]
    }

    /// Opens the store for writing (the caller closes it so that `rung` may take the lock).
    func open() throws -> any Store {
        try SQLiteStore(path: databasePath)
    }

    /// Two sweeps:
    /// - sweep 1 `nightly-old` (finished, val_auc max): xgboost trials ending at 0.66 (3
    ///   epochs), 0.62 (stopped after peaking at 0.70), 0.66 (3 epochs, later id), and one
    ///   logistic_regression trial at 0.64;
    /// - sweep 2 `health-predict` (running, val_logloss min): trials a…g (see `SweepCommandTests`).
    /// Returns the trial ids of sweep 2 by letter.
    @discardableResult
    func buildTwoSweeps(now: Date = Date()) throws -> [String: Int64] {
        let store = try open()
        defer { store.close() }
        let old = try store.createSweep(SweepRecord(
            name: "nightly-old", configYAML: SweepRows.config(name: "nightly-old", metric: "val_auc", mode: "max",
                                                         families: ["xgboost": 3, "logistic_regression": 2]),
            seed: 42, status: .finished, dataVersion: "sha256:olddata", createdAt: now.addingTimeInterval(-7200),
            finishedAt: now.addingTimeInterval(-3600)))
        try store.createStudy(StudyRecord(sweepID: old.id, family: "xgboost", trialBudget: 3))
        try store.createStudy(StudyRecord(sweepID: old.id, family: "logistic_regression", trialBudget: 2))
        try SweepRows.addTrial(store, sweep: old.id, family: "xgboost", number: 1, status: .finished, metric: "val_auc", values: [0.60, 0.65, 0.66], worker: "w1", now: now)
        try SweepRows.addTrial(store, sweep: old.id, family: "xgboost", number: 2, status: .stopped, metric: "val_auc", values: [0.70, 0.62], worker: "w1", now: now)
        try SweepRows.addTrial(store, sweep: old.id, family: "xgboost", number: 3, status: .finished, metric: "val_auc", values: [0.5, 0.6, 0.66], worker: "w2", now: now)
        try SweepRows.addTrial(store, sweep: old.id, family: "logistic_regression", number: 1, status: .finished, metric: "val_auc", values: [0.64], worker: "w2", now: now)

        let live = try store.createSweep(SweepRecord(
            name: "health-predict", configYAML: SweepRows.config(name: "health-predict", metric: "val_logloss", mode: "min",
                                                            families: ["xgboost": 6, "random_forest": 4]),
            seed: 7, status: .running, createdAt: now.addingTimeInterval(-600)))
        try store.createStudy(StudyRecord(sweepID: live.id, family: "xgboost", trialBudget: 6))
        try store.createStudy(StudyRecord(sweepID: live.id, family: "random_forest", trialBudget: 4))
        var ids: [String: Int64] = [:]
        let m = "val_logloss"
        ids["a"] = try SweepRows.addTrial(store, sweep: live.id, family: "xgboost", number: 1, status: .finished, metric: m, values: [0.50, 0.45], worker: "w1", seconds: 90, now: now).id
        ids["b"] = try SweepRows.addTrial(store, sweep: live.id, family: "xgboost", number: 2, status: .running, metric: m, values: [0.40], worker: "w2", now: now).id
        ids["c"] = try SweepRows.addTrial(store, sweep: live.id, family: "random_forest", number: 1, status: .stopped, metric: m, values: [0.48, 0.47, 0.44], worker: "w1", now: now).id
        ids["d"] = try SweepRows.addTrial(store, sweep: live.id, family: "random_forest", number: 2, status: .failed, metric: m, values: [.nan], worker: "w2", now: now).id
        ids["e"] = try SweepRows.addTrial(store, sweep: live.id, family: "xgboost", number: 3, status: .pending, metric: m, values: [], now: now).id
        ids["f"] = try SweepRows.addTrial(store, sweep: live.id, family: "random_forest", number: 3, status: .running, metric: m, values: [0.44, 0.44], worker: "w1", now: now).id
        ids["g"] = try SweepRows.addTrial(store, sweep: live.id, family: "xgboost", number: 4, status: .finished, metric: m, values: [nil], worker: "w2", now: now).id
        return ids
    }
}

/// Parses a `--json` document into a dictionary, failing the test if it is not exactly one object.
func jsonObject(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try XCTUnwrap(value as? [String: Any], "not a JSON object: \(text)", file: file, line: line)
}

final class SweepCommandTests: XCTestCase {
    func testMissingStoreIsAFriendlyMessageForListsAndExit65ForShow() throws {
        let fixture = try StoreFixture(self)
        let ls = try RungProcess.run(fixture.args(["sweep", "ls"]))
        XCTAssertEqual(ls.status, 0, ls.stderr)
        XCTAssertEqual(ls.stdout, "no sweeps yet: nothing has run with store \(fixture.db)\n")
        let json = try RungProcess.run(fixture.args(["sweep", "ls", "--json"]))
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual((try jsonObject(json.stdout)["sweeps"] as? [Any])?.count, 0)
        let show = try RungProcess.run(fixture.args(["sweep", "show", "4"]))
        XCTAssertEqual(show.status, 65)
        XCTAssertTrue(show.stderr.contains("sweep 4"), show.stderr)
        XCTAssertEqual(show.stderr.split(separator: "\n").count, 1, show.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.databasePath), "reading never creates the store")

        // The default location comes from RUNG_DB, then sqlite:.rung/rung.db in the current directory.
        let env = try RungProcess.run(["sweep", "ls"], in: fixture.directory, environment: ["RUNG_DB": "sqlite:elsewhere.db"])
        XCTAssertTrue(env.stdout.contains("sqlite:elsewhere.db"), env.stdout)
        let defaulted = try RungProcess.run(["sweep", "ls"], in: fixture.directory, environment: ["RUNG_DB": ""])
        XCTAssertTrue(defaulted.stdout.contains("sqlite:.rung/rung.db"), defaulted.stdout)
    }

    func testListShowsEverySweepOldestFirstWithProgressAndBest() throws {
        let fixture = try StoreFixture(self)
        try fixture.buildTwoSweeps()
        let ls = try RungProcess.run(fixture.args(["sweep", "ls"]))
        XCTAssertEqual(ls.status, 0, ls.stderr)
        let lines = ls.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, ls.stdout)
        XCTAssertTrue(lines[0].hasPrefix("ID"), lines[0])
        XCTAssertTrue(lines[1].contains("nightly-old") && lines[1].contains("finished") && lines[1].contains("4/5")
                      && lines[1].contains("val_auc 0.6600") && lines[1].contains("1h 00m"), lines[1])
        XCTAssertTrue(lines[2].contains("health-predict") && lines[2].contains("running") && lines[2].contains("4/10")
                      && lines[2].contains("val_logloss 0.4000"), lines[2])
        XCTAssertTrue(lines[1].contains("logistic_regression,xgboost"), "families in study order: \(lines[1])")
        XCTAssertFalse(ls.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")

        let json = try jsonObject(RungProcess.run(fixture.args(["sweep", "ls", "--json"])).stdout)
        let sweeps = try XCTUnwrap(json["sweeps"] as? [[String: Any]])
        XCTAssertEqual(sweeps.map { $0["name"] as? String }, ["nightly-old", "health-predict"])
        XCTAssertEqual(sweeps[0]["trials_done"] as? Int, 4)
        XCTAssertEqual(sweeps[0]["trials_total"] as? Int, 5)
        XCTAssertEqual(sweeps[0]["duration_seconds"] as? Double ?? 0, 3600, accuracy: 0.01)
        XCTAssertEqual((sweeps[1]["best"] as? [String: Any])?["value"] as? Double, 0.40)
        XCTAssertEqual((sweeps[1]["metric"] as? [String: Any])?["mode"] as? String, "min")
    }

    func testShowGivesPerFamilyCountsAndTheBestTrial() throws {
        let fixture = try StoreFixture(self)
        let ids = try fixture.buildTwoSweeps()
        let show = try RungProcess.run(fixture.args(["sweep", "show", "2"]))
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("sweep 2  health-predict  running"), show.stdout)
        XCTAssertTrue(show.stdout.contains("metric val_logloss (min)"), show.stdout)
        XCTAssertTrue(show.stdout.contains("xgboost: 4 trials of 6 — 1 pending, 1 running, 2 finished"), show.stdout)
        XCTAssertTrue(show.stdout.contains("random_forest: 3 trials of 4 — 1 running, 1 stopped, 1 failed"), show.stdout)
        XCTAssertTrue(show.stdout.contains("best: trial \(ids["b"]!) (#2), val_logloss 0.4000 at epoch 1, running"), show.stdout)
        XCTAssertTrue(show.stdout.contains("best: trial \(ids["c"]!) (#1), val_logloss 0.4400 at epoch 3, stopped"), show.stdout)
        XCTAssertTrue(show.stdout.contains("params:  learning_rate=0.01235 max_depth=4"), show.stdout)

        let json = try jsonObject(RungProcess.run(fixture.args(["sweep", "show", "2", "--json"])).stdout)
        let sweep = try XCTUnwrap(json["sweep"] as? [String: Any])
        XCTAssertEqual(sweep["status"] as? String, "running")
        XCTAssertEqual(sweep["trials_done"] as? Int, 4)
        let families = try XCTUnwrap(json["families"] as? [[String: Any]])
        XCTAssertEqual(families.map { $0["family"] as? String }, ["random_forest", "xgboost"])
        let xgb = families[1]
        XCTAssertEqual(xgb["trials"] as? [String: Int], ["pending": 1, "running": 1, "finished": 2])
        let best = try XCTUnwrap(xgb["best"] as? [String: Any])
        XCTAssertEqual(best["trial"] as? Int64, ids["b"])
        XCTAssertEqual((best["params"] as? [String: Any])?["max_depth"] as? Int, 4)
        XCTAssertEqual((best["metrics"] as? [String: Double])?["val_logloss"], 0.40)
        XCTAssertEqual((xgb["registered"] as? [Any])?.count, 0)
    }

    func testUnknownSweepIDExits65NamingIt() throws {
        let fixture = try StoreFixture(self)
        try fixture.buildTwoSweeps()
        let show = try RungProcess.run(fixture.args(["sweep", "show", "17"]))
        XCTAssertEqual(show.status, 65)
        XCTAssertTrue(show.stderr.contains("sweep 17 does not exist"), show.stderr)
        XCTAssertTrue(show.stderr.contains("1, 2"), "names the sweeps there are: \(show.stderr)")
        XCTAssertEqual(show.stderr.split(separator: "\n").count, 1, show.stderr)
        XCTAssertTrue(show.stdout.isEmpty)
        let notANumber = try RungProcess.run(fixture.args(["sweep", "show", "abc"]))
        XCTAssertEqual(notANumber.status, 64, notANumber.stderr)
    }

    func testASweepWhoseStoredConfigCannotBeReadIsListedButNotRanked() throws {
        let fixture = try StoreFixture(self)
        try fixture.buildTwoSweeps()
        do {
            let store = try fixture.open()
            defer { store.close() }
            let odd = try store.createSweep(SweepRecord(name: "odd", configYAML: "name: odd\nmetric: [", seed: 1, status: .failed))
            try store.createStudy(StudyRecord(sweepID: odd.id, family: "xgboost", trialBudget: 1))
        }
        let ls = try RungProcess.run(fixture.args(["sweep", "ls", "--json"]))
        XCTAssertEqual(ls.status, 0, ls.stderr)
        let sweeps = try XCTUnwrap(try jsonObject(ls.stdout)["sweeps"] as? [[String: Any]])
        XCTAssertEqual(sweeps.count, 3)
        XCTAssertTrue(sweeps[2]["metric"] is NSNull && sweeps[2]["best"] is NSNull, "\(sweeps[2])")
        XCTAssertNotNil(sweeps[1]["best"] as? [String: Any], "the other sweeps are still ranked")
        let board = try RungProcess.run(fixture.args(["leaderboard"]))
        XCTAssertEqual(board.status, 65)
        XCTAssertTrue(board.stderr.contains("cannot rank sweep 3") && board.stderr.contains("stored config of sweep 3"), board.stderr)
    }
}
