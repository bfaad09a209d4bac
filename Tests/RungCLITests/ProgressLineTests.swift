import Foundation
import RungCLI
import RungCore
import RungStore
import XCTest

/// The progress of `rung run` and `rung sweep submit --wait`, in-process: the line's text,
/// when plain lines are written, the live line on a pseudo-terminal, the ETA, and the
/// snapshot read from a store. Times are given, never waited for.
final class ProgressLineTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func snapshot(ended: Int, running: Int = 2, best: Double? = 0.7012) -> ProgressSnapshot {
        ProgressSnapshot(sweepID: 7, total: 40, ended: ended, running: running, failed: 1, workers: 2, metric: "val_auc",
                         best: [.init(family: "xgboost", value: best), .init(family: "random_forest", value: nil)])
    }

    /// A temporary file to write progress to, and a way to read what was written.
    private func outputFile() throws -> (handle: FileHandle, read: () throws -> String) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rung-progress-\(UUID().uuidString).txt")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return (try FileHandle(forWritingTo: url), { try String(contentsOf: url, encoding: .utf8) })
    }

    func testTheLineSaysDoneRunningFailedWorkersETAAndBest() {
        XCTAssertEqual(snapshot(ended: 12).text(eta: 250),
                       "12/40 trials done, 2 running, 1 failed, 2 workers, eta 4m10s | best val_auc: xgboost 0.7012  random_forest —")
        XCTAssertEqual(snapshot(ended: 12).text(eta: 0.4).contains("eta <1s"), true)
        let bare = ProgressSnapshot(sweepID: 1, total: 3, ended: 0, running: 0, failed: 0, workers: 1, metric: nil, best: [])
        XCTAssertEqual(bare.text(eta: nil), "0/3 trials done, 0 running, 1 worker", "no failures, no ETA, no best: left out")
        XCTAssertEqual(SweepProgress.duration(42), "42s")
        // Trial times in leaderboards and `rung top`: a sub-second trial is not "0s".
        XCTAssertEqual(Humanize.elapsed(0.042), "0.04s")
        XCTAssertEqual(Humanize.elapsed(3.17), "3.1s")
        XCTAssertEqual(Humanize.elapsed(42.9), "42s")
        XCTAssertEqual(Humanize.elapsed(185), "3m 05s")
        XCTAssertEqual(Humanize.elapsed(.nan), "—")
        XCTAssertEqual(SweepProgress.duration(185), "3m05s")
        XCTAssertEqual(SweepProgress.duration(7620), "2h07m")
        XCTAssertEqual(SweepProgress.duration(.infinity), "—")
    }

    func testPlainLinesWhenChangedAtMostEveryTenSecondsAndEveryMinuteRegardless() throws {
        let (handle, read) = try outputFile()
        let progress = SweepProgress(json: false, output: handle, started: t0)
        XCTAssertFalse(progress.isTerminal)
        progress.show(snapshot(ended: 1), now: t0.addingTimeInterval(1))    // first: written
        progress.show(snapshot(ended: 2), now: t0.addingTimeInterval(5))    // changed, but 4 s later: not
        progress.show(snapshot(ended: 2), now: t0.addingTimeInterval(12))   // changed since the last line, 11 s: written
        progress.show(snapshot(ended: 2), now: t0.addingTimeInterval(40))   // unchanged, 28 s: not
        progress.show(snapshot(ended: 2), now: t0.addingTimeInterval(72))   // unchanged, a minute: written
        progress.log("trial 3 failed")
        try handle.close()
        let lines = try read().split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, lines.joined(separator: "\n"))
        XCTAssertEqual(lines[0], SweepProgress.timestamp(t0.addingTimeInterval(1)) + " sweep 7: " + snapshot(ended: 1).text(eta: 39 * 1))
        XCTAssertTrue(lines[1].hasPrefix(SweepProgress.timestamp(t0.addingTimeInterval(12)) + " sweep 7: 2/40 trials done"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix(SweepProgress.timestamp(t0.addingTimeInterval(72)) + " sweep 7: 2/40 trials done"), lines[2])
        XCTAssertEqual(lines[3], "trial 3 failed")
        XCTAssertFalse(lines.joined().contains("\u{1B}"), "plain lines carry no escape codes")
        XCTAssertTrue(SweepProgress.timestamp(t0).hasSuffix("Z"), "timestamps are UTC")
    }

    func testJSONModeWritesNothing() throws {
        let (handle, read) = try outputFile()
        let progress = SweepProgress(json: true, output: handle, started: t0)
        progress.show(snapshot(ended: 1), now: t0.addingTimeInterval(100))
        progress.log("an event")
        progress.finishLine()
        try handle.close()
        XCTAssertEqual(try read(), "")
    }

    func testTheETAFollowsTheRecentRateAndGrowsInAStall() throws {
        let (handle, _) = try outputFile()
        defer { try? handle.close() }
        let progress = SweepProgress(json: false, output: handle, started: t0)
        XCTAssertNil(progress.eta(remaining: 10, now: t0.addingTimeInterval(5)), "no estimate before the first completion")
        progress.show(snapshot(ended: 1), now: t0.addingTimeInterval(10))
        progress.show(snapshot(ended: 2), now: t0.addingTimeInterval(20))
        XCTAssertEqual(try XCTUnwrap(progress.eta(remaining: 8, now: t0.addingTimeInterval(20))), 80, accuracy: 1e-9,
                       "two trials in 20 s: 10 s each")
        XCTAssertEqual(try XCTUnwrap(progress.eta(remaining: 8, now: t0.addingTimeInterval(40))), 160, accuracy: 1e-9,
                       "nothing ended for 20 s: the estimate doubles")
        XCTAssertNil(progress.eta(remaining: 0, now: t0.addingTimeInterval(40)), "nothing left: no estimate")
        // Only the last ten completions count: twelve more, one a second from t0 + 100 s.
        for i in 1...12 { progress.show(snapshot(ended: 2 + i), now: t0.addingTimeInterval(100 + Double(i))) }
        XCTAssertEqual(try XCTUnwrap(progress.eta(remaining: 10, now: t0.addingTimeInterval(112))), 10, accuracy: 1e-9)
    }

    func testTheLiveLineOnATerminalIsRewrittenInPlaceAndCutToTheWidth() throws {
        let terminal = try PseudoTerminal(columns: 60)
        let progress = SweepProgress(json: false, output: terminal.handle, started: t0)
        XCTAssertTrue(progress.isTerminal)
        progress.show(snapshot(ended: 3), now: t0.addingTimeInterval(65))
        progress.show(snapshot(ended: 4), now: t0.addingTimeInterval(65.2))  // within half a second: not drawn
        progress.log("trial 9 failed")
        progress.show(snapshot(ended: 5), now: t0.addingTimeInterval(66))
        progress.finishLine()
        let written = try terminal.readAll()
        let draws = written.components(separatedBy: "\r\u{1B}[K")
        // Draw 1, clear before the event (which is followed by a newline the terminal turns into \r\n), draw 2, clear.
        XCTAssertEqual(draws.count, 5, written.debugDescription)
        XCTAssertEqual(draws[1], String(("[1m05s] sweep 7: " + snapshot(ended: 3).text(eta: 37 * 65.0 / 3)).prefix(59)))
        XCTAssertEqual(draws[1].count, 59, "cut to the terminal's width less one")
        XCTAssertTrue(draws[2].hasPrefix("trial 9 failed"), draws[2].debugDescription)
        XCTAssertTrue(draws[3].hasPrefix("[1m06s] sweep 7: 5/40 trials done"), draws[3])
        XCTAssertEqual(draws[4], "", "the line is cleared at the end")
    }

    func testTheSnapshotFromAStoreCountsTrialsAndTakesTheBestPerFamily() throws {
        let fixture = try CLIStoreFixture(self)
        let (sweep, _) = try fixture.buildSweep()
        let store = try fixture.open()
        defer { store.close() }
        let record = try XCTUnwrap(try store.sweep(id: sweep))
        let config = try SweepConfigParser.parse(yaml: record.configYAML, file: "sweep")
        let s = try ProgressSnapshot.load(sweepID: sweep, config: config, store: store, workers: 3)
        XCTAssertEqual(s.total, 10, "the families' budgets")
        XCTAssertEqual(s.ended, 4, "finished, stopped and failed")
        XCTAssertEqual(s.running, 2)
        XCTAssertEqual(s.failed, 1)
        XCTAssertEqual(s.best, [.init(family: "random_forest", value: 0.44), .init(family: "xgboost", value: 0.40)],
                       "lower is better; config order")
        XCTAssertEqual(s.text(eta: nil), "4/10 trials done, 2 running, 1 failed, 3 workers | best val_logloss: random_forest 0.4400  xgboost 0.4000")
    }

    func testTheSummaryAtTheEndPicksEachFamilysBestAsRegistrationWould() throws {
        let fixture = try CLIStoreFixture(self)
        let (sweep, ids) = try fixture.buildSweep()
        let store = try fixture.open()
        defer { store.close() }
        let summary = try SweepSummary(store: store, sweepID: sweep, elapsed: 61)
        XCTAssertEqual(summary.status, "running")
        XCTAssertEqual(summary.metric, "val_logloss")
        XCTAssertEqual(summary.families.map(\.name), ["random_forest", "xgboost"], "config order")
        let forest = summary.families[0], xgboost = summary.families[1]
        XCTAssertEqual([forest.trials, forest.finished, forest.stopped, forest.failed], [3, 0, 1, 1])
        XCTAssertEqual(forest.bestTrial, ids["c"], "none finished: the best of all, ties to more epochs")
        XCTAssertEqual(xgboost.bestTrial, ids["a"], "among the finished only: the running 0.40 does not count")
        XCTAssertEqual(try XCTUnwrap(xgboost.bestValue), 0.45, accuracy: 1e-12)
        XCTAssertEqual(xgboost.bestParams, #"{"learning_rate":0.0123456,"max_depth":3}"#)
        XCTAssertEqual(summary.failures, ["trial \(ids["d"]!) (random_forest): failed"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any])
        XCTAssertEqual(json["elapsed_seconds"] as? Double, 61)
        XCTAssertEqual((json["families"] as? [[String: Any]])?.first?["best_trial"] as? Int64, ids["c"])
    }

    func testExitStatusForHowASweepEnded() {
        XCTAssertEqual(SweepExit.forSweep(status: "finished", failedTrials: 0), .finished)
        XCTAssertEqual(SweepExit.forSweep(status: "finished", failedTrials: nil), .finished)
        XCTAssertEqual(SweepExit.forSweep(status: "finished", failedTrials: 2).rawValue, 3)
        XCTAssertEqual(SweepExit.forSweep(status: "cancelled", failedTrials: 2).rawValue, 4)
        XCTAssertEqual(SweepExit.forSweep(status: "failed", failedTrials: nil).rawValue, 5)
        XCTAssertEqual(SweepExit.interrupted.rawValue, 130)
    }
}
