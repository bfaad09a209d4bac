import Foundation
import RungCLI
import RungCore
import RungStore
import XCTest

/// The store views other than the leaderboard, in-process: `sweep ls`, `sweep show`,
/// `workers` and `registry ls` from values and a temporary store.
final class StoreViewsTests: XCTestCase {
    private func snapshot(now: Date) throws -> (SweepSnapshot, [String: Int64]) {
        let fixture = try CLIStoreFixture(self)
        let (sweep, ids) = try fixture.buildSweep(now: now)
        let store = try fixture.open()
        defer { store.close() }
        return (try SweepSnapshot.load(try SweepSnapshot.sweep(id: sweep, in: store), from: store), ids)
    }

    func testSweepListRowsHaveProgressBestAndDuration() throws {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))  // the store keeps whole seconds
        let (s, _) = try snapshot(now: now)
        XCTAssertEqual(s.familyNames, ["random_forest", "xgboost"], "families in the store's study order")
        XCTAssertEqual(s.trialsDone, 4)
        XCTAssertEqual(s.trialsTotal, 10)
        XCTAssertEqual(s.duration(now: now), 600, accuracy: 0.001, "a running sweep counts to now")
        let lines = SweepListView.table([s], now: now, styled: false).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0].split(separator: " ").map(String.init), ["ID", "NAME", "STATUS", "FAMILIES", "TRIALS", "BEST", "CREATED", "DURATION"])
        for cell in ["health-predict", "running", "random_forest,xgboost", "4/10", "val_logloss 0.4000", "10m 00s"] {
            XCTAssertTrue(lines[1].contains(cell), "\(cell) in: \(lines[1])")
        }
        XCTAssertTrue(SweepListView.table([s], now: now, styled: true).contains("\u{1B}[36mrunning\u{1B}[0m"))
    }

    func testSweepShowListsEveryFamilyWithItsBestAndRegisteredVersions() throws {
        let now = Date()
        let (s, ids) = try snapshot(now: now)
        let version = ModelVersion(family: "xgboost", version: 2, stage: .production, sweepID: s.sweep.id,
                                   trialID: ids["b"], uri: "file:///tmp/registry/xgboost/v2")
        let lines = SweepShowView(snapshot: s, registered: [version], now: now).lines(styled: false)
        XCTAssertEqual(lines[0], "sweep \(s.sweep.id)  health-predict  running")
        XCTAssertEqual(lines[3], "  trials 4/10 done")
        XCTAssertTrue(lines.contains("xgboost: 4 trials of 6 — 1 pending, 1 running, 2 finished"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("  best: trial \(ids["b"]!) (#2), val_logloss 0.4000 at epoch 1, running"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("    params:  learning_rate=0.01235 max_depth=4"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("  registered: xgboost@2 (production, trial \(ids["b"]!))"), lines.joined(separator: "\n"))
        XCTAssertFalse(lines.joined().contains("\u{1B}"))
        let coloured = SweepShowView(snapshot: s, registered: [version], now: now).lines(styled: true)
        XCTAssertTrue(coloured.contains { $0.contains("\u{1B}[32mproduction\u{1B}[0m") }, "stages are coloured")
    }

    func testWorkersAndRegistryTables() throws {
        let now = Date()
        let workers = [
            WorkerRecord(name: "worker-a", host: "10.0.0.11", slots: 2, status: .active, firstSeen: now.addingTimeInterval(-4000), lastSeen: now.addingTimeInterval(-3)),
            WorkerRecord(name: "worker-b", host: "10.0.0.12", slots: 12, status: .lost, firstSeen: now.addingTimeInterval(-4000), lastSeen: now.addingTimeInterval(-600)),
        ]
        let table = WorkersView.table(workers, now: now, styled: false)
        XCTAssertEqual(table, """
        NAME      HOST       SLOTS  STATUS  LAST SEEN
        worker-a  10.0.0.11      2  active  3s ago
        worker-b  10.0.0.12     12  lost    10m 00s ago
        """)
        XCTAssertTrue(WorkersView.table(workers, now: now, styled: true).contains("\u{1B}[31mlost\u{1B}[0m"))

        let versions = [
            ModelVersion(family: "xgboost", version: 1, stage: .archived, sweepID: 1, trialID: 4, uri: "file:///r/xgboost/v1",
                         metrics: ["val_auc": 0.7, "test_auc": 0.69, "val_logloss": 0.5], createdAt: now.addingTimeInterval(-7200)),
            ModelVersion(family: "xgboost", version: 2, stage: .production, sweepID: nil, trialID: nil, uri: "file:///r/xgboost/v2",
                         metrics: ["a": 1, "b": 2, "c": 3], createdAt: now.addingTimeInterval(-60)),
        ]
        let rows = RegistryListView.table(versions, now: now, styled: false).split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, 3)
        XCTAssertTrue(rows[1].hasPrefix("xgboost@1  archived"), rows[1])
        XCTAssertTrue(rows[1].contains("test_auc=0.6900 val_auc=0.7000"), "test_auc and val_auc when present: \(rows[1])")
        XCTAssertTrue(rows[2].contains("—") && rows[2].contains("a=1.0000 b=2.0000") && rows[2].hasSuffix("(1m 00s ago)"), rows[2])
    }
}
