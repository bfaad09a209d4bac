import XCTest
@testable import RungCore

/// The tabulated benchmark's parts: table lines with epoch times, the simulator's use of them,
/// and the scheduler comparison over seeds.
final class SchedulerTableTests: XCTestCase {
    private let space = try! SearchSpace([Parameter(name: "x", domain: .uniform(low: 0, high: 1))])

    /// Two families; xgboost's configuration at x = 0.9 learns best, random_forest has one configuration.
    private let table = """
    {"family":"xgboost","config":0,"params":{"x":0.1},"values":[0.50,0.55,0.56,0.57],"seconds":[1,1,1,1]}
    {"family":"xgboost","config":1,"params":{"x":0.9},"values":[0.52,0.60,0.70,0.80],"seconds":[2,2,2,2]}
    {"family":"random_forest","config":0,"params":{"x":0.5},"values":[0.40,0.41,0.42,0.43],"seconds":[3,3,3,3]}
    """

    func testTableLinesAreFilteredByFamilyAndCarryEpochTimes() throws {
        let a = try ReplayCurves(text: table, file: "t.jsonl", space: space, family: "xgboost")
        XCTAssertEqual(a.count, 2)
        XCTAssertTrue(a.hasSeconds)
        XCTAssertEqual(a.value(params: ["x": .double(0.8)], epoch: 3, trial: 0), 0.70)
        XCTAssertEqual(a.value(params: ["x": .double(0.2)], epoch: 9, trial: 0), 0.57, "beyond the end: the last value")
        XCTAssertEqual(a.seconds(params: ["x": .double(0.8)], epoch: 1, trial: 0), 2)
        let b = try ReplayCurves(text: table, file: "t.jsonl", space: space, family: "random_forest")
        XCTAssertEqual(b.count, 1)
        XCTAssertEqual(b.value(params: ["x": .double(0.9)], epoch: 4, trial: 0), 0.43)
        let all = try ReplayCurves(text: table, file: "t.jsonl", space: space)
        XCTAssertEqual(all.count, 2, "without a family the config numbers of both families collide: later lines replace")
        let perEpoch = try ReplayCurves(text: "{\"trial\":0,\"params\":{\"x\":0.5},\"epoch\":1,\"value\":0.5}", file: "r", space: space)
        XCTAssertFalse(perEpoch.hasSeconds)
        XCTAssertNil(perEpoch.seconds(params: [:], epoch: 1, trial: 0))
    }

    func testMalformedTableLinesAreNamed() {
        let bad = [
            "{\"family\":\"xgboost\",\"params\":{\"x\":0.1},\"values\":[0.5]}": "t.jsonl:1: a line with values needs config",
            "{\"family\":\"xgboost\",\"config\":0,\"params\":{\"x\":0.1},\"values\":[]}": "t.jsonl:1: values must be",
            "{\"family\":\"xgboost\",\"config\":0,\"params\":{\"x\":0.1},\"values\":[0.5,0.6],\"seconds\":[1]}": "t.jsonl:1: seconds must be",
            "{\"family\":\"xgboost\",\"config\":0,\"params\":{\"x\":0.1},\"values\":[0.5],\"seconds\":[-1]}": "t.jsonl:1: seconds must be",
        ]
        for (line, prefix) in bad {
            XCTAssertThrowsError(try ReplayCurves(text: line, file: "t.jsonl", space: space, family: "xgboost"), line) {
                XCTAssertTrue(($0 as? RungError)?.message.hasPrefix(prefix) ?? false, "\($0)")
            }
        }
        XCTAssertThrowsError(try ReplayCurves(text: table, file: "t.jsonl", space: space, family: "logistic_regression")) {
            XCTAssertEqual(($0 as? RungError)?.message, "t.jsonl: no results to replay for family logistic_regression")
        }
    }

    private func config(scheduler: String, trials: Int) throws -> SweepConfig {
        try SweepConfigParser.parse(yaml: """
        name: table
        seed: 11
        metric: {name: val_auc, mode: max}
        searcher: {type: tpe, startup_trials: 3}
        scheduler: \(scheduler)
        families:
          xgboost:
            trials: \(trials)
            space:
              x: {type: uniform, low: 0, high: 1}
          random_forest:
            trials: \(trials)
            space:
              x: {type: uniform, low: 0, high: 1}
        """, file: "table.yaml")
    }

    func testTheSimulatorAdvancesVirtualTimeByTheRecordedEpochTimes() throws {
        var c = try config(scheduler: "{type: fifo, max_epochs: 4}", trials: 3)
        c.families = [c.families[1]]
        let b = try ReplayCurves(text: table, file: "t.jsonl", space: space, family: "random_forest")
        let r = SweepSimulator(config: c, workers: 1, curves: [b], epochTime: 100).run()
        XCTAssertEqual(r.makespan, 3 * 4 * 3, "3 trials × 4 epochs × 3 recorded seconds on one slot, not the epoch time")
        XCTAssertEqual(r.families[0].finalBest, 0.43)
    }

    func testTheComparisonRunsEveryVariantPerFamilyAndMeasuresTimeToTheBaselinesMedian() throws {
        let c = try config(scheduler: "{type: asha, max_epochs: 4, grace_period: 1, reduction_factor: 2}", trials: 12)
        let curves = try ["xgboost", "random_forest"].map { try ReplayCurves(text: table, file: "t.jsonl", space: space, family: $0) }
        let cmp = SchedulerComparison(config: c, workers: 2, seeds: 5) { curves[$0] }
        XCTAssertEqual(cmp.families.map(\.family), ["xgboost", "random_forest"])
        for f in cmp.families {
            XCTAssertEqual(f.variants.map(\.variant.name), SchedulerComparison.standardVariants.map(\.name))
            XCTAssertTrue(f.variants.allSatisfy { $0.runs.count == 5 && $0.makespans.count == 5 })
            let base = try XCTUnwrap(f.variants.first { $0.variant.name == SchedulerComparison.baselineName })
            XCTAssertEqual(f.target, SchedulerComparison.median(base.runs.map(\.finalBest), mode: .max))
            // At least half of the baseline's runs reach its own median, so its median time is finite.
            XCTAssertTrue(cmp.medianTimeToTarget(base, target: f.target).isFinite)
        }
        // random_forest has one configuration: every run's best is its final value, reached by the
        // first trial to finish, whose four epochs take 3 s each (12 s without pauses; promotion
        // ASHA pauses trials at milestones, so its first finish comes later, in steps of 3 s).
        let b = cmp.families[1]
        XCTAssertEqual(b.target, 0.43)
        for v in b.variants {
            XCTAssertTrue(v.runs.allSatisfy { $0.finalBest == 0.43 }, v.variant.name)
            let times = v.runs.compactMap { cmp.timeToTarget($0, target: 0.43) }
            XCTAssertEqual(times.count, 5, v.variant.name)
            if v.variant.ashaMode == .promote && v.variant.scheduler == .asha {
                XCTAssertTrue(times.allSatisfy { $0 >= 12 && $0.truncatingRemainder(dividingBy: 3) == 0 }, "\(v.variant.name): \(times)")
            } else {
                XCTAssertEqual(times, [12, 12, 12, 12, 12], v.variant.name)
            }
        }
        // FIFO trains every trial to the end: 12 trials × 4 epochs × (1 or 2 s) on 2 slots.
        let fifo = try XCTUnwrap(cmp.families[0].variants.first { $0.variant.name == "fifo+random" })
        XCTAssertTrue(fifo.runs.allSatisfy { $0.trialsCompleted == 12 })
        XCTAssertTrue(fifo.makespans.allSatisfy { $0 >= 12 * 4 * 1 / 2 && $0 <= 12 * 4 * 2 / 2 })
        // Same config, same seeds: the same numbers.
        let again = SchedulerComparison(config: c, workers: 2, seeds: 5) { curves[$0] }
        XCTAssertEqual(again.families, cmp.families)
        // Best-so-far lookups.
        let run = SimulationReport.Family(name: "xgboost", trialsStarted: 3, trialsCompleted: 2, stoppedAtEpoch: [:], trialsLeftPaused: 0,
                                          finalBest: 0.8, bestParams: [:], timeToBest: 9, trialsToBest: 3,
                                          bestTrace: [.init(time: 4, trialsStarted: 1, value: 0.57), .init(time: 9, trialsStarted: 3, value: 0.8)])
        XCTAssertTrue(SchedulerComparison.best(run, atTime: 3).isNaN)
        XCTAssertEqual(SchedulerComparison.best(run, atTime: 5), 0.57)
        XCTAssertEqual(SchedulerComparison.best(run, atTrials: 2), 0.57)
        XCTAssertEqual(SchedulerComparison.best(run, atTrials: 3), 0.8)
        XCTAssertEqual(cmp.timeToTarget(run, target: 0.6), 9)
        XCTAssertNil(cmp.timeToTarget(run, target: 0.9))
    }
}
