import Foundation
@testable import RungCore
@testable import RungHead
import RungStore
import XCTest

/// `rung top`'s bests follow `BestPerFamily` (docs/cli.md, "Best per family"): a trial's
/// value at its last reported epoch, not the best value any report ever showed.
final class HeadMonitorTests: XCTestCase {
    private let config = """
    name: monitor
    data: {prepared: /nowhere}
    metric: {name: val_auc, mode: max}
    scheduler: {type: fifo, max_epochs: 3}
    families:
      xgboost:
        trials: 3
        space: {max_depth: {type: int, low: 2, high: 4}}
    """

    private func monitor() -> HeadMonitor {
        let monitor = HeadMonitor()
        let start = Date(timeIntervalSince1970: 1_000)
        monitor.clock = { start }
        monitor.sweepSaved(SweepRecord(id: 1, name: "monitor", configYAML: config, seed: 1, status: .running, createdAt: start))
        for id in 1...3 as ClosedRange<Int64> {
            monitor.trialSaved(TrialRecord(id: id, sweepID: 1, family: "xgboost", number: Int(id), paramsJSON: "{}", seed: 1,
                                           status: .running, worker: "w", createdAt: start))
        }
        return monitor
    }

    private func report(_ monitor: HeadMonitor, trial: Int64, epoch: Int, _ value: Double, at seconds: Double) {
        monitor.epochsRecorded([EpochRecord(trialID: trial, epoch: epoch, seconds: 1, metrics: ["val_auc": value],
                                            recordedAt: Date(timeIntervalSince1970: 1_000 + seconds))])
    }

    func testTheBestIsTheValueAtEachTrialsLastEpoch() {
        let m = monitor()
        report(m, trial: 1, epoch: 1, 0.80, at: 1)
        report(m, trial: 2, epoch: 1, 0.70, at: 2)
        XCTAssertEqual(m.boards[1]?.best["xgboost"]?.trial, 1)
        XCTAssertEqual(m.boards[1]?.best["xgboost"]?.value, 0.80)
        // Trial 1 falls back at its next epoch: trial 2's 0.75 is now the family's best.
        report(m, trial: 2, epoch: 2, 0.75, at: 3)
        report(m, trial: 1, epoch: 2, 0.60, at: 4)
        XCTAssertEqual(m.boards[1]?.best["xgboost"]?.trial, 2)
        XCTAssertEqual(m.boards[1]?.best["xgboost"]?.value, 0.75)
        XCTAssertEqual(m.boards[1]?.best["xgboost"]?.history.map(\.1), [0.80, 0.75])
    }

    func testTheMonitorAgreesWithTheDefinitionOnRandomReports() {
        let m = monitor()
        var generator = SplitMix(seed: 7)
        var last: [Int64: (epoch: Int, value: Double)] = [:]
        for step in 0..<300 {
            let trial = Int64(generator.next() % 3) + 1
            let epoch = (last[trial]?.epoch ?? 0) + 1
            let value = Double(generator.next() % 1000) / 1000
            report(m, trial: trial, epoch: epoch, value, at: Double(step))
            last[trial] = (epoch, value)
            let expected = BestPerFamily.best(of: last.map {
                BestPerFamily.Candidate(id: $0.key, family: "xgboost", epochs: $0.value.epoch, value: $0.value.value)
            }, mode: .max)
            XCTAssertEqual(m.boards[1]?.best["xgboost"]?.trial, expected?.id, "after report \(step)")
            XCTAssertEqual(m.boards[1]?.best["xgboost"]?.value, expected?.value, "after report \(step)")
        }
    }
}

/// A small deterministic generator for the test's random reports.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
