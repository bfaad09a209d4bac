import XCTest
@testable import RungCore

final class HyperbandSchedulerTests: XCTestCase {
    func testBracketMilestonesAndWeights() {
        let s = HyperbandScheduler(mode: .max, maxEpochs: 27, gracePeriod: 1, reductionFactor: 3)
        XCTAssertEqual(s.brackets.count, 4)
        XCTAssertEqual(s.brackets.map { $0.table.milestones }, [[1, 3, 9, 27], [3, 9, 27], [9, 27], [27]])
        // Bracket with s halvings (milestones below max) gets ∝ η^s/(s+1): 27/4, 9/3, 3/2, 1/1.
        let raw = [27.0 / 4, 9.0 / 3, 3.0 / 2, 1.0]
        let total = raw.reduce(0, +)
        for (w, r) in zip(s.bracketWeights, raw) { XCTAssertEqual(w, r / total, accuracy: 1e-12) }
        let two = HyperbandScheduler(mode: .max, maxEpochs: 27, gracePeriod: 1, reductionFactor: 3, brackets: 2)
        XCTAssertEqual(two.brackets.count, 2)
    }

    func testAssignmentFollowsTheWeightsDeterministically() {
        var s = HyperbandScheduler(mode: .max, maxEpochs: 27, gracePeriod: 1, reductionFactor: 3)
        var counts = [0, 0, 0, 0]
        for t in 0..<1220 { s.addTrial(t); counts[s.bracket(of: t)!] += 1 }
        for (c, w) in zip(counts, s.bracketWeights) { XCTAssertEqual(Double(c) / 1220, w, accuracy: 0.002) }
        var again = HyperbandScheduler(mode: .max, maxEpochs: 27, gracePeriod: 1, reductionFactor: 3)
        for t in 0..<1220 { again.addTrial(t) }
        XCTAssertEqual((0..<1220).map { s.bracket(of: $0) }, (0..<1220).map { again.bracket(of: $0) })
    }

    func testTrialsAreJudgedOnlyWithinTheirBracket() {
        var s = HyperbandScheduler(mode: .max, maxEpochs: 27, gracePeriod: 1, reductionFactor: 3, brackets: 2)
        for t in 0..<4 { s.addTrial(t) }
        let b = (0..<4).map { s.bracket(of: $0)! }
        XCTAssertEqual(Set(b), [0, 1])
        let inZero = (0..<4).filter { b[$0] == 0 }, inOne = (0..<4).filter { b[$0] == 1 }
        // Bracket 0 decides at epoch 1; bracket 1 ignores epoch 1 and decides at 3.
        XCTAssertEqual(s.onResult(trial: inZero[0], epoch: 1, value: 0.9), .continue)
        XCTAssertEqual(s.onResult(trial: inZero[1], epoch: 1, value: 0.1), .stop)
        XCTAssertEqual(s.milestones(for: inOne[0]), [3, 9, 27])
        XCTAssertEqual(s.onResult(trial: inOne[0], epoch: 1, value: 0.0), .continue)
        XCTAssertEqual(s.onResult(trial: inOne[0], epoch: 3, value: 0.0), .continue) // first at its rung 3
    }
}
