import XCTest
@testable import RungCore

final class ASHAPromotionSchedulerTests: XCTestCase {
    func testPausesAtMilestonesAndPromotesTheTopThirdBestFirst() {
        var s = ASHAPromotionScheduler(mode: .max, maxEpochs: 9, gracePeriod: 1, reductionFactor: 3)
        XCTAssertEqual(s.milestones(for: 0), [1, 3, 9])
        // Nothing recorded: start new.
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .startNew)
        let values = [0.2, 0.9, 0.5, 0.7, 0.1, 0.8]
        for (t, v) in values.enumerated() {
            s.addTrial(t)
            XCTAssertEqual(s.onResult(trial: t, epoch: 1, value: v), .pause)
        }
        // 6 at rung 1 → top ⌊6/3⌋ = 2: trials 1 (0.9) then 5 (0.8).
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .promote(1))
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .promote(5))
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .startNew)
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: false), .idle)
        // Trial 1 trains on to epoch 3 and pauses at rung 3.
        XCTAssertEqual(s.onResult(trial: 1, epoch: 2, value: 0.9), .continue)
        XCTAssertEqual(s.onResult(trial: 1, epoch: 3, value: 0.95), .pause)
        // Rung 3 has 1 trial → ⌊1/3⌋ = 0 promotable; a 7th trial at rung 1 (0.3) makes ⌊7/3⌋ = 2, both promoted already.
        s.addTrial(6)
        XCTAssertEqual(s.onResult(trial: 6, epoch: 1, value: 0.3), .pause)
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .startNew)
        // 9 at rung 1 → 3 promotable: trial 3 (0.7) is next.
        for t in 7...8 { s.addTrial(t); _ = s.onResult(trial: t, epoch: 1, value: 0.0) }
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .promote(3))
        // At max epochs the trial completes.
        XCTAssertEqual(s.onResult(trial: 1, epoch: 9, value: 0.99), .complete)
    }

    func testHigherRungsArePromotedFirst() {
        var s = ASHAPromotionScheduler(mode: .min, maxEpochs: 9, gracePeriod: 1, reductionFactor: 3)
        for t in 0..<9 { _ = s.onResult(trial: t, epoch: 1, value: Double(t)) }
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .promote(0))
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .promote(1))
        XCTAssertEqual(s.onResult(trial: 0, epoch: 3, value: 0), .pause)
        XCTAssertEqual(s.onResult(trial: 1, epoch: 3, value: 1), .pause)
        XCTAssertEqual(s.onResult(trial: 5, epoch: 3, value: 5), .pause) // odd, but recorded
        // Rung 3 now has 3 → 1 promotable (trial 0), which goes before rung 1's trial 2.
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .promote(0))
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .promote(2))
    }

    func testFailedPausedTrialIsNotPromoted() {
        var s = ASHAPromotionScheduler(mode: .max, maxEpochs: 9, gracePeriod: 1, reductionFactor: 3)
        for t in 0..<3 { _ = s.onResult(trial: t, epoch: 1, value: Double(t)) }
        s.onTrialEnded(2)
        XCTAssertEqual(s.nextForFreeSlot(canStartNew: true), .startNew)
    }
}
