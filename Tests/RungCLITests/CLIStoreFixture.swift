import Foundation
import RungStore
import XCTest
import RungCore

/// A temporary SQLite store with sweeps written straight through the store's API, for
/// rendering tests that run in-process (no `rung` binary, no head).
struct CLIStoreFixture {
    let directory: URL
    var databasePath: String { directory.appendingPathComponent("rung.db").path }

    init(_ test: XCTestCase) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rung-cli-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let directory = self.directory
        test.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    }

    /// Opens the store (the caller closes it).
    func open() throws -> any Store {
        try SQLiteStore(path: databasePath)
    }

    /// One running sweep named `name` (val_logloss, lower is better) with trials a…g:
    /// a xgboost finished 0.50→0.45; b xgboost running 0.40; c random_forest stopped
    /// 0.48→0.44 (3 epochs); d random_forest failed (NaN); e xgboost pending (no epochs);
    /// f random_forest running 0.44 (2 epochs); g xgboost finished without the metric.
    /// Returns the sweep id and the trial ids by letter.
    @discardableResult
    func buildSweep(name: String = "health-predict", now: Date = Date()) throws -> (sweep: Int64, trials: [String: Int64]) {
        let store = try open()
        defer { store.close() }
        let live = try store.createSweep(SweepRecord(
            name: name, configYAML: SweepRows.config(name: "health-predict", metric: "val_logloss", mode: "min",
                                                families: ["xgboost": 6, "random_forest": 4]),
            seed: 7, status: .running, createdAt: now.addingTimeInterval(-600)))
        try store.createStudy(StudyRecord(sweepID: live.id, family: "xgboost", trialBudget: 6))
        try store.createStudy(StudyRecord(sweepID: live.id, family: "random_forest", trialBudget: 4))
        var ids: [String: Int64] = [:]
        let m = "val_logloss"
        ids["a"] = try SweepRows.addTrial(store, sweep: live.id, family: "xgboost", number: 1, status: .finished, metric: m, values: [0.50, 0.45], worker: "w1", seconds: 90, now: now, fit: .rung(epoch: 2, observations: 5)).id
        ids["b"] = try SweepRows.addTrial(store, sweep: live.id, family: "xgboost", number: 2, status: .running, metric: m, values: [0.40], worker: "w2", now: now, fit: .random).id
        ids["c"] = try SweepRows.addTrial(store, sweep: live.id, family: "random_forest", number: 1, status: .stopped, metric: m, values: [0.48, 0.47, 0.44], worker: "w1", now: now).id
        ids["d"] = try SweepRows.addTrial(store, sweep: live.id, family: "random_forest", number: 2, status: .failed, metric: m, values: [.nan], worker: "w2", now: now).id
        ids["e"] = try SweepRows.addTrial(store, sweep: live.id, family: "xgboost", number: 3, status: .pending, metric: m, values: [], now: now).id
        ids["f"] = try SweepRows.addTrial(store, sweep: live.id, family: "random_forest", number: 3, status: .running, metric: m, values: [0.44, 0.44], worker: "w1", now: now).id
        ids["g"] = try SweepRows.addTrial(store, sweep: live.id, family: "xgboost", number: 4, status: .finished, metric: m, values: [nil], worker: "w2", now: now).id
        return (live.id, ids)
    }
}

/// `text` without ANSI SGR escape codes.
func withoutEscapes(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
}
