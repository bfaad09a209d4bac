import XCTest
@testable import RungCore

/// What TPE was fitted on for each suggestion: recorded by the searcher and the tuner.
final class SuggestionFitTests: XCTestCase {
    func testTheStoredTextRoundTripsAndAnythingElseIsRefused() throws {
        for fit in [SuggestionFit.random, .warmStart, .rung(epoch: 6, observations: 14), .lastResults(observations: 3)] {
            XCTAssertEqual(SuggestionFit(storedText: fit.storedText), fit)
            let data = try JSONEncoder().encode([fit])
            XCTAssertEqual(try JSONDecoder().decode([SuggestionFit].self, from: data), [fit])
        }
        XCTAssertEqual(SuggestionFit.rung(epoch: 6, observations: 14).summary, "epoch 6 (14 results)")
        for bad in ["", "rung", "rung:0:3", "rung:2", "last:-1", "last:x", "random:1", "Random"] {
            XCTAssertNil(SuggestionFit(storedText: bad), bad)
        }
    }

    private func tuner(fit: String, startup: Int = 2) throws -> FamilyTuner {
        let c = try SweepConfigParser.parse(yaml: """
        name: fit
        seed: 5
        metric: {name: val_auc, mode: max}
        searcher: {type: tpe, startup_trials: \(startup), fit: \(fit)}
        scheduler: {type: asha, max_epochs: 4, grace_period: 1, reduction_factor: 2}
        families:
          xgboost:
            trials: 20
            space:
              x: {type: uniform, low: 0, high: 1}
        """, file: "fit.yaml")
        return FamilyTuner(config: c, familyIndex: 0)
    }

    /// Runs `trials` trials one at a time, each reporting value x at every epoch until the scheduler ends it.
    private func run(_ t: inout FamilyTuner, trials: Int) {
        for _ in 0..<trials {
            guard case let .start(id, p)? = t.nextAssignment(), case .double(let x)? = p["x"] else { return XCTFail("no start") }
            for e in 1...4 where t.report(trial: id, epoch: e, value: x) != .continue { break }
        }
    }

    func testHighestRungFitsAreMarkedWithTheirEpochAndCount() throws {
        var t = try tuner(fit: "highest_rung")
        run(&t, trials: 8)
        XCTAssertEqual(t.suggestionFits[0], .random)
        XCTAssertEqual(t.suggestionFits[1], .random)
        // Trial 2: two results at epoch 1 (fewer than the 3 a rung needs for one dimension): the lowest rung.
        XCTAssertEqual(t.suggestionFits[2], .rung(epoch: 1, observations: 2))
        // Every model-based fit uses a rung the earlier trials reached, with enough results or the first.
        for id in 2..<8 {
            guard case let .rung(epoch, n)? = t.suggestionFits[id] else { return XCTFail("trial \(id): \(String(describing: t.suggestionFits[id]))") }
            XCTAssertTrue([1, 2, 4].contains(epoch))
            XCTAssertTrue(n >= 3 || epoch == 1, "trial \(id): epoch \(epoch) with \(n) results")
            XCTAssertLessThanOrEqual(n, id)
        }
        XCTAssertTrue(t.suggestionFits.values.contains { if case .rung(let e, _) = $0 { return e > 1 } else { return false } },
                      "with enough results a higher rung is fitted: \(t.suggestionFits)")
    }

    func testLastResultFitsCountEndedTrials() throws {
        var t = try tuner(fit: "last_result", startup: 3)
        run(&t, trials: 6)
        XCTAssertEqual((0..<3).map { t.suggestionFits[$0] }, [.random, .random, .random])
        XCTAssertEqual((3..<6).map { t.suggestionFits[$0] }, [.lastResults(observations: 3), .lastResults(observations: 4),
                                                              .lastResults(observations: 5)])
    }

    func testWarmStartsAndRandomSearchAreMarked() throws {
        let c = try SweepConfigParser.parse(yaml: """
        name: fit
        seed: 5
        metric: {name: val_auc, mode: max}
        searcher: {type: random}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 3
            space:
              x: {type: uniform, low: 0, high: 1}
        """, file: "fit.yaml")
        var t = FamilyTuner(config: c, familyIndex: 0, warmStarts: [["x": .double(0.5)]])
        _ = t.nextAssignment()
        _ = t.nextAssignment()
        XCTAssertEqual(t.suggestionFits, [0: .warmStart, 1: .random])
    }

    func testTheAskTraceNamesTheFit() throws {
        var options = TPEOptions()
        options.startupTrials = 2
        var s = TPESearcher(space: try SearchSpace([Parameter(name: "x", domain: .uniform(low: 0, high: 1))]), mode: .max, seed: 1,
                            options: options)
        for i in 0..<3 {
            _ = s.suggest(trialID: i)
            s.observe(trialID: i, value: Double(i), budget: 2)
            s.finish(trialID: i)
        }
        let (_, trace) = s.suggestTraced(trialID: 3)
        XCTAssertEqual(trace?.fit, "rung:2:3")
        XCTAssertEqual(s.lastSuggestionFit, .rung(epoch: 2, observations: 3))
        XCTAssertTrue(trace?.json.contains("\"fit\":\"rung:2:3\"") ?? false)
    }
}
