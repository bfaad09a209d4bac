import XCTest
@testable import RungCore

final class FamilyTunerTests: XCTestCase {
    private func config(_ scheduler: String, trials: Int) throws -> SweepConfig {
        try SweepConfigParser.parse(yaml: """
        name: t
        metric: {name: val_auc, mode: max}
        scheduler: \(scheduler)
        families:
          xgboost:
            trials: \(trials)
            space:
              x: {type: uniform, low: 0, high: 1}
        """, file: "t.yaml")
    }

    func testStartsNumberedTrialsUntilTheBudgetIsSpent() throws {
        var t = FamilyTuner(config: try config("{type: fifo, max_epochs: 2}", trials: 3), familyIndex: 0)
        for i in 0..<3 {
            guard case let .start(trial, params)? = t.nextAssignment() else { return XCTFail("expected a start") }
            XCTAssertEqual(trial, i)
            XCTAssertNil(t.family.space.validationProblem(of: params))
        }
        XCTAssertTrue(t.budgetSpent)
        XCTAssertNil(t.nextAssignment())
        XCTAssertEqual(t.report(trial: 0, epoch: 1, value: 0.5), .continue)
        XCTAssertEqual(t.report(trial: 0, epoch: 2, value: 0.6), .complete)
        t.trialFailed(1)
        XCTAssertEqual(t.started, 3)
    }

    func testPromotionResumesFromThePausedEpoch() throws {
        var t = FamilyTuner(config: try config("{type: asha, mode: promote, max_epochs: 9, grace_period: 1, reduction_factor: 3}",
                                               trials: 3), familyIndex: 0)
        for i in 0..<3 {
            guard case .start? = t.nextAssignment() else { return XCTFail("expected a start") }
            XCTAssertEqual(t.report(trial: i, epoch: 1, value: Double(i)), .pause)
        }
        XCTAssertEqual(t.pausedAt.count, 3)
        guard case let .resume(trial, params, from)? = t.nextAssignment() else { return XCTFail("expected a resume") }
        XCTAssertEqual(trial, 2)           // best of ⌊3/3⌋ = 1 at rung 1
        XCTAssertEqual(from, 1)
        XCTAssertEqual(params, t.params[2])
        XCTAssertNil(t.nextAssignment())  // budget spent, nothing else promotable
        XCTAssertEqual(t.report(trial: 2, epoch: 2, value: 3), .continue)
        XCTAssertEqual(t.report(trial: 2, epoch: 3, value: 3), .pause)
    }
}
