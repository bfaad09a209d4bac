import XCTest
@testable import RungCore

final class ASHAStoppingSchedulerTests: XCTestCase {
    func testMilestones() {
        XCTAssertEqual(RungTable.milestones(gracePeriod: 2, reductionFactor: 3, maxEpochs: 20), [2, 6, 18])
        XCTAssertEqual(RungTable.milestones(gracePeriod: 1, reductionFactor: 3, maxEpochs: 9), [1, 3, 9])
        XCTAssertEqual(RungTable.milestones(gracePeriod: 1, reductionFactor: 4, maxEpochs: 100), [1, 4, 16, 64])
        XCTAssertEqual(RungTable.milestones(gracePeriod: 1, reductionFactor: 2, maxEpochs: 10), [1, 2, 4, 8])
        XCTAssertEqual(RungTable.milestones(gracePeriod: 5, reductionFactor: 3, maxEpochs: 5), [5])
        XCTAssertEqual(RungTable.milestones(gracePeriod: 1, reductionFactor: 1.5, maxEpochs: 4), [1, 2, 3, 4])
        let s = ASHAStoppingScheduler(mode: .max, maxEpochs: 20, gracePeriod: 2, reductionFactor: 3)
        XCTAssertEqual(s.milestones(for: 0), [2, 6, 18, 20])
    }

    func testFirstArrivalContinuesAndCutoffIsTheQuantileOfEarlierResults() {
        var s = ASHAStoppingScheduler(mode: .max, maxEpochs: 20, gracePeriod: 2, reductionFactor: 3)
        XCTAssertEqual(s.onResult(trial: 0, epoch: 1, value: 0.1), .continue) // before the first milestone
        XCTAssertEqual(s.onResult(trial: 0, epoch: 2, value: 0.5), .continue) // first at rung 2
        XCTAssertEqual(s.onResult(trial: 1, epoch: 2, value: 0.4), .stop)     // cutoff = 0.5
        XCTAssertEqual(s.onResult(trial: 2, epoch: 2, value: 0.9), .continue)
        // Recorded at rung 2: 0.5, 0.4, 0.9 → cutoff = percentile(…, 66.7) = 0.5 + (0.9 − 0.5)·(4/3 − 1) = 0.6333…
        XCTAssertEqual(s.table.cutoff(at: 0, reductionFactor: 3)!, -(0.5 + 0.4 / 3), accuracy: 1e-12)
        XCTAssertEqual(s.onResult(trial: 3, epoch: 2, value: 0.62), .stop)
        XCTAssertEqual(s.onResult(trial: 4, epoch: 2, value: 0.64), .continue)
        // Reporting again at the same rung does not re-decide.
        XCTAssertEqual(s.onResult(trial: 3, epoch: 3, value: 0.1), .continue)
    }

    func testMinModeIsMirrored() {
        var smin = ASHAStoppingScheduler(mode: .min, maxEpochs: 20, gracePeriod: 2, reductionFactor: 3)
        var smax = ASHAStoppingScheduler(mode: .max, maxEpochs: 20, gracePeriod: 2, reductionFactor: 3)
        var g = SeededGenerator(seed: 5)
        for t in 0..<200 {
            let v = g.nextUnit()
            XCTAssertEqual(smin.onResult(trial: t, epoch: 2, value: v), smax.onResult(trial: t, epoch: 2, value: -v))
        }
    }

    func testNeverStopsTheBestTrialAtARung() {
        var s = ASHAStoppingScheduler(mode: .max, maxEpochs: 27, gracePeriod: 1, reductionFactor: 3)
        var g = SeededGenerator(seed: 1)
        var best = [Double](repeating: -.infinity, count: 4)
        var alive = Set<Int>()
        for t in 0..<300 {
            alive.insert(t)
            for epoch in 1...27 where alive.contains(t) {
                let v = g.nextUnit() + Double(epoch) * 0.001
                let rung = [1, 3, 9, 27].firstIndex(of: epoch)
                let d = s.onResult(trial: t, epoch: epoch, value: v)
                if let r = rung {
                    if v >= best[r] {
                        XCTAssertNotEqual(d, .stop, "the best result so far at rung \(r) was stopped")
                    }
                    best[r] = max(best[r], v)
                }
                if d == .stop || d == .complete { alive.remove(t) }
            }
        }
    }

    func testStopsEverythingBelowTheCutoffAndKeepsRoughlyOneInEta() {
        var s = ASHAStoppingScheduler(mode: .max, maxEpochs: 9, gracePeriod: 1, reductionFactor: 3)
        var g = SeededGenerator(seed: 2)
        var continued = 0
        for t in 0..<1000 {
            let v = g.nextUnit()
            let cut = s.table.cutoff(at: 0, reductionFactor: 3)
            let d = s.onResult(trial: t, epoch: 1, value: v)
            if let cut {
                XCTAssertEqual(d, -v > cut ? .stop : .continue)
            }
            if d == .continue { continued += 1 }
        }
        XCTAssertEqual(Double(continued) / 1000, 1.0 / 3, accuracy: 0.04)
    }

    func testNaNCountsAsWorst() {
        var s = ASHAStoppingScheduler(mode: .min, maxEpochs: 9, gracePeriod: 1, reductionFactor: 3)
        XCTAssertEqual(s.onResult(trial: 0, epoch: 1, value: 0.5), .continue)
        XCTAssertEqual(s.onResult(trial: 1, epoch: 1, value: .nan), .stop)
        var m = ASHAStoppingScheduler(mode: .max, maxEpochs: 9, gracePeriod: 1, reductionFactor: 3)
        XCTAssertEqual(m.onResult(trial: 0, epoch: 1, value: .nan), .continue) // first arrival
        XCTAssertEqual(m.onResult(trial: 1, epoch: 1, value: 0.5), .continue)
        XCTAssertEqual(m.onResult(trial: 2, epoch: 1, value: 0.6), .continue)
        XCTAssertEqual(m.onResult(trial: 3, epoch: 1, value: .nan), .stop)
    }

    func testCompletesAtMaxEpochsAndSkippedMilestonesUseTheHighestReached() {
        var s = ASHAStoppingScheduler(mode: .max, maxEpochs: 20, gracePeriod: 2, reductionFactor: 3)
        XCTAssertEqual(s.onResult(trial: 0, epoch: 7, value: 0.5), .continue) // recorded at 6 only
        XCTAssertTrue(s.table.hasRecorded(0, at: 1))
        XCTAssertFalse(s.table.hasRecorded(0, at: 0))
        XCTAssertEqual(s.onResult(trial: 0, epoch: 20, value: 0.7), .complete)
        XCTAssertTrue(s.table.hasRecorded(0, at: 2))
        var f = FIFOScheduler(maxEpochs: 3)
        XCTAssertEqual(f.onResult(trial: 0, epoch: 2, value: 0), .continue)
        XCTAssertEqual(f.onResult(trial: 0, epoch: 3, value: 0), .complete)
        XCTAssertEqual(f.nextForFreeSlot(canStartNew: false), .idle)
    }

    func testDeterministicDecisions() {
        func run() -> [SchedulerDecision] {
            var s = SchedulerSettings(type: .asha, maxEpochs: 27, gracePeriod: 1, reductionFactor: 3)
                .makeScheduler(mode: .max)
            var g = SeededGenerator(seed: 3)
            var out: [SchedulerDecision] = []
            for t in 0..<50 { for e in [1, 3, 9] { out.append(s.onResult(trial: t, epoch: e, value: g.nextUnit())) } }
            return out
        }
        XCTAssertEqual(run(), run())
    }
}
