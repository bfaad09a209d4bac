import Foundation
import RungCLI
import RungWire
import XCTest

/// `rung top`'s screen drawn from a `TopSnapshot` value, in-process: the 80×24 frame, the
/// plain summary block, the keys and what they choose.
final class TopScreenTests: XCTestCase {
    private let endpoint = "tcp://127.0.0.1:7770"

    /// One running sweep with two families, five trials and two workers (one draining).
    private func snapshot(sort: TopSort = .metric, family: String? = nil) -> TopSnapshot {
        let families = [
            TopSnapshot.Family(name: "xgboost", budget: 20, started: 6, finished: 3, running: 2, pending: 1, paused: 0,
                               stopped: 1, failed: 0, cancelled: 0, maxEpochs: 9, best: 0.7123, bestTrial: 4,
                               history: [0.61, 0.65, nil, 0.69, 0.7123]),
            TopSnapshot.Family(name: "random_forest", budget: 10, started: 2, finished: 1, running: 0, pending: 0, paused: 0,
                               stopped: 0, failed: 1, cancelled: 0, maxEpochs: 9, best: 0.6502, bestTrial: 2, history: [0.6502]),
        ]
        let sweep = TopSnapshot.Sweep(id: 3, name: "health-predict", status: "running", message: "", metric: "val_auc",
                                      mode: "max", elapsedSeconds: 754, totals: ["finished": 4, "running": 2],
                                      best: 0.7123, bestFamily: "xgboost", bestTrial: 4, families: families)
        let params = [["learning_rate", "0.05"], ["max_depth", "6"], ["subsample", "0.8"], ["colsample_bytree", "0.7"]]
        var trials = [
            TopSnapshot.Trial(id: 4, number: 4, family: "xgboost", status: "finished", epoch: 9, maxEpochs: 9, rung: 2,
                              metric: 0.7123, params: params, worker: "w1", seconds: 95),
            TopSnapshot.Trial(id: 5, number: 5, family: "xgboost", status: "running", epoch: 3, maxEpochs: 9, rung: 1,
                              metric: 0.69, params: params, worker: "w2", seconds: 31),
            TopSnapshot.Trial(id: 2, number: 1, family: "random_forest", status: "finished", epoch: 9, maxEpochs: 9, rung: 2,
                              metric: 0.6502, params: [["max_depth", "4"]], worker: "w1", seconds: 40),
            TopSnapshot.Trial(id: 1, number: 1, family: "xgboost", status: "stopped", epoch: 1, maxEpochs: 9, rung: 0,
                              metric: 0.61, params: params, worker: "w2", seconds: 12),
            TopSnapshot.Trial(id: 6, number: 2, family: "random_forest", status: "failed", epoch: 0, maxEpochs: 9, rung: nil,
                              metric: nil, params: [["max_depth", "9"]], worker: nil, seconds: nil),
        ]
        if let family { trials = trials.filter { $0.family == family } }
        let workers = [
            TopSnapshot.Worker(name: "w1", host: "10.0.0.11", slots: 2, busy: 1, draining: false, trials: [5], lastHeardMs: 400, utilisation: 0.75),
            TopSnapshot.Worker(name: "w2", host: "10.0.0.12", slots: 2, busy: 0, draining: true, trials: [], lastHeardMs: 4200, utilisation: nil),
        ]
        return TopSnapshot(now: 1_800_000_000, endpoint: endpoint, sweeps: [sweep], workers: workers, sweep: 3,
                           family: family, sort: sort.rawValue, trials: trials, trialsTotal: trials.count)
    }

    private func screen(_ snapshot: TopSnapshot?, state: TopViewState = TopViewState(), problem: String? = nil, colour: Bool = false) -> TopScreen {
        TopScreen(snapshot: snapshot, state: state, endpoint: endpoint, problem: problem, colour: colour,
                  now: Date(timeIntervalSince1970: 1_800_000_000))
    }

    func testThe80By24FrameHasEverySectionAndFitsExactly() {
        let (lines, rows) = screen(snapshot()).layout(width: 80, height: 24)
        XCTAssertEqual(lines.count, 24, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.allSatisfy { $0.count <= 80 }, lines.joined(separator: "\n"))
        XCTAssertFalse(lines.joined().contains("\u{1B}"), "no colour when colour is off")
        XCTAssertTrue(lines[0].hasPrefix(" rung top · \(endpoint) · 2 workers, 1/4 slots busy"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("sweep 3 health-predict running 12m 34s · val_auc max · best 0.7123 xgboost #4"), lines[1])
        let text = lines.joined(separator: "\n")
        for header in ["FAMILY", "DONE", "RUN", "BEST", "TRIAL", "STATUS", "VAL_AUC", "WORKER", "SLOTS"] {
            XCTAssertTrue(text.contains(header), "the frame has \(header):\n\(text)")
        }
        // The trials by metric, best first, the one without a value last.
        let trialRows = lines.filter { $0.range(of: #"^\s+\d+ (xgboost|random_forest)"#, options: .regularExpression) != nil }
        XCTAssertEqual(trialRows.map { $0.split(separator: " ").first.map(String.init) }, ["4", "5", "2", "1", "6"], text)
        XCTAssertGreaterThanOrEqual(rows, 5, "room for every trial")
        XCTAssertTrue(text.contains("draining"), "the draining worker says so")
        XCTAssertTrue(lines[23].hasPrefix(" q quit · tab sweep · f family: all · s sort: metric"), lines[23])
        XCTAssertTrue(lines[23].hasSuffix("1–5 of 5 "), lines[23])
    }

    func testColourAddsOnlyEscapeCodes() {
        let plain = screen(snapshot()).frame(width: 80, height: 24)
        let coloured = screen(snapshot(), colour: true).frame(width: 80, height: 24)
        XCTAssertEqual(coloured.count, 24)
        XCTAssertTrue(coloured[0].hasPrefix("\u{1B}[7m"), "the title bar is reversed")
        XCTAssertTrue(coloured.joined().contains("\u{1B}[31mfailed"), "failed trials are red")
        XCTAssertTrue(withoutEscapes(coloured.joined(separator: "\n")).split(separator: "\n", omittingEmptySubsequences: false)
            .allSatisfy { $0.count <= 80 }, "escape codes do not count towards the width")
        XCTAssertEqual(withoutEscapes(coloured[1]), plain[1])
    }

    func testSmallWindowsProblemsAndNoSnapshot() {
        XCTAssertEqual(screen(snapshot()).frame(width: 9, height: 24), ["rung top…"])
        let narrow = screen(snapshot()).frame(width: 40, height: 12)
        XCTAssertEqual(narrow.count, 12)
        XCTAssertTrue(narrow.allSatisfy { $0.count <= 40 }, narrow.joined(separator: "\n"))

        let waiting = screen(nil).frame(width: 80, height: 24)
        XCTAssertEqual(waiting.count, 24)
        XCTAssertTrue(waiting.contains("waiting for the head at \(endpoint)…"), waiting.joined(separator: "\n"))
        let lost = screen(snapshot(), problem: "head unreachable, retrying… \(endpoint)").frame(width: 80, height: 24)
        XCTAssertEqual(lost[1], "head unreachable, retrying… \(endpoint)")
        XCTAssertEqual(lost.count, 24)

        var empty = snapshot()
        empty.sweeps = []
        empty.trials = []
        empty.sweep = nil
        let none = screen(empty).frame(width: 80, height: 24)
        XCTAssertTrue(none[1].hasPrefix("no sweeps on this head: submit one with `rung sweep submit CONFIG"), none[1])
    }

    func testAHeadWaitingForItsStoreSaysSoUnderTheTitle() {
        var stalled = snapshot()
        stalled.storeProblem = "store cannot commit since 10:00:00 (3 attempt(s)): disk full"
        let frame = screen(stalled).frame(width: 80, height: 24)
        XCTAssertEqual(frame.count, 24)
        XCTAssertTrue(frame[1].hasPrefix("head waiting: store cannot commit since 10:00:00"), frame[1])
        XCTAssertTrue(screen(stalled).plainBlock(width: 100, trials: 2).contains { $0.hasPrefix("head waiting: store cannot commit") })
        XCTAssertFalse(screen(snapshot()).frame(width: 80, height: 24).contains { $0.hasPrefix("head waiting") })
    }

    func testThePlainBlockListsSweepsTrialsAndWorkers() {
        let block = screen(snapshot()).plainBlock(width: 100, trials: 2)
        XCTAssertTrue(block[0].hasPrefix("rung top · \(endpoint)"), block[0])
        XCTAssertTrue(block.contains("trials of sweep 3 by metric:"), block.joined(separator: "\n"))
        let trialRows = block.filter { $0.range(of: #"^\s+\d+ (xgboost|random_forest)"#, options: .regularExpression) != nil }
        XCTAssertEqual(trialRows.count, 2, "only the best two trials")
        XCTAssertTrue(block.allSatisfy { $0.count <= 100 })
        XCTAssertTrue(block.last?.hasPrefix("w2") ?? false, "the workers come last: \(block.joined(separator: "\n"))")
    }

    func testKeysAndWhatTheyChoose() {
        XCTAssertEqual(TopKey.parse(Array("qjk f s".utf8)), [.quit, .down, .up, .pageDown, .family, .pageDown, .sort])
        XCTAssertEqual(TopKey.parse([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42, 0x1B, 0x5B, 0x5A, 0x1B, 0x5B, 0x36, 0x7E, 0x09, 0x03]),
                       [.up, .down, .previousSweep, .pageDown, .nextSweep, .quit])
        var state = TopViewState()
        let s = snapshot()
        XCTAssertTrue(state.apply(.family, snapshot: s, page: 10))
        XCTAssertEqual(state.family, "xgboost")
        XCTAssertTrue(state.apply(.family, snapshot: s, page: 10))
        XCTAssertEqual(state.family, "random_forest")
        XCTAssertTrue(state.apply(.family, snapshot: s, page: 10))
        XCTAssertNil(state.family, "after the last family: all again")
        XCTAssertTrue(state.apply(.sort, snapshot: s, page: 10))
        XCTAssertEqual(state.sort, .id)
        XCTAssertEqual(state.trials(in: snapshot(sort: .id)).map(\.id), [6, 5, 4, 2, 1], "by id, newest first")
        XCTAssertTrue(state.apply(.pageDown, snapshot: s, page: 10))
        XCTAssertEqual(state.scroll, 10)
        XCTAssertFalse(state.apply(.quit, snapshot: s, page: 10))
        XCTAssertEqual(TopRequest.request(for: TopViewState(sweep: 3, family: "xgboost", sort: .duration)),
                       TopSnapshotRequest(sweep: 3, family: "xgboost", sort: "duration", limit: 200))
    }
}
