import XCTest
@testable import RungCore

final class SweepSimulatorTests: XCTestCase {
    private func config(scheduler: String, trials: Int = 60, searcher: String = "tpe") throws -> SweepConfig {
        try SweepConfigParser.parse(yaml: """
        name: sim
        seed: 4
        metric: {name: val_auc, mode: max}
        searcher: {type: \(searcher)}
        scheduler: \(scheduler)
        families:
          xgboost:
            trials: \(trials)
            space:
              depth: {type: int, low: 2, high: 10}
              lr: {type: loguniform, low: 0.01, high: 0.5}
              booster: {type: choice, choices: [gbtree, dart]}
        """, file: "sim.yaml")
    }

    private func curves(_ c: SweepConfig, _ family: SyntheticCurves.Family = .saturating) -> [any LearningCurves] {
        c.families.map { SyntheticCurves(family: family, space: $0.space, mode: c.metric.mode, maxEpochs: c.scheduler.maxEpochs, seed: c.seed) }
    }

    func testFIFORunsEveryTrialToTheEnd() throws {
        let c = try config(scheduler: "{type: fifo, max_epochs: 5}", trials: 12)
        let r = SweepSimulator(config: c, workers: 4, curves: curves(c)).run()
        XCTAssertEqual(r.families[0].trialsStarted, 12)
        XCTAssertEqual(r.families[0].trialsCompleted, 12)
        XCTAssertEqual(r.epochsRun, 60)
        XCTAssertEqual(r.makespan, 15)          // 12 trials × 5 epochs on 4 workers
        XCTAssertEqual(r.utilisation, 1, accuracy: 1e-12)
    }

    func testASHAStopsTrialsAtMilestonesAndAccountsForEveryTrial() throws {
        let c = try config(scheduler: "{type: asha, max_epochs: 27, grace_period: 1, reduction_factor: 3}")
        let r = SweepSimulator(config: c, workers: 6, curves: curves(c, .noisy)).run()
        let f = r.families[0]
        XCTAssertEqual(f.trialsStarted, 60)
        let stopped = f.stoppedAtEpoch.values.reduce(0, +)
        XCTAssertEqual(stopped + f.trialsCompleted, 60)
        XCTAssertTrue(Set(f.stoppedAtEpoch.keys).isSubset(of: [1, 3, 9]))
        XCTAssertGreaterThan(stopped, 20)
        XCTAssertLessThan(r.epochsRun, 60 * 27 / 2)
        XCTAssertTrue(r.utilisation > 0 && r.utilisation <= 1)
        XCTAssertFalse(f.finalBest.isNaN)
        XCTAssertEqual(f.bestTrace.last?.value, f.finalBest)
    }

    func testPromotionASHAPausesAndPromotes() throws {
        let c = try config(scheduler: "{type: asha, mode: promote, max_epochs: 9, grace_period: 1, reduction_factor: 3}", trials: 27)
        let r = SweepSimulator(config: c, workers: 3, curves: curves(c)).run()
        let f = r.families[0]
        XCTAssertEqual(f.trialsStarted, 27)
        XCTAssertGreaterThanOrEqual(f.trialsCompleted, 1)
        XCTAssertEqual(f.trialsCompleted + f.trialsLeftPaused, 27)
        XCTAssertEqual(f.stoppedAtEpoch, [:])
    }

    func testHyperbandAndDeterminism() throws {
        let c = try config(scheduler: "{type: hyperband, max_epochs: 27, grace_period: 1, reduction_factor: 3}")
        let a = SweepSimulator(config: c, workers: 5, curves: curves(c, .crossing)).run()
        let b = SweepSimulator(config: c, workers: 5, curves: curves(c, .crossing)).run()
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.json(), b.json())
        XCTAssertEqual(a.families[0].trialsStarted, 60)
    }

    func testTPEFindsBetterConfigurationsThanRandomInSimulation() throws {
        var tpe: [Double] = [], rnd: [Double] = []
        for seed in 0..<6 {
            var ct = try config(scheduler: "{type: fifo, max_epochs: 3}", trials: 50)
            ct.seed = UInt64(seed)
            var cr = try config(scheduler: "{type: fifo, max_epochs: 3}", trials: 50, searcher: "random")
            cr.seed = UInt64(seed)
            tpe.append(SweepSimulator(config: ct, workers: 1, curves: curves(ct)).run().families[0].finalBest)
            rnd.append(SweepSimulator(config: cr, workers: 1, curves: curves(cr)).run().families[0].finalBest)
        }
        XCTAssertGreaterThan(BenchmarkFunctions.median(tpe), BenchmarkFunctions.median(rnd))
    }

    func testSyntheticCurvesAreSmoothInTheParameters() throws {
        let c = try config(scheduler: "{type: fifo, max_epochs: 10}")
        let curves = SyntheticCurves(family: .saturating, space: c.families[0].space, mode: .max, maxEpochs: 10, seed: 1)
        let p: [String: ParamValue] = ["depth": .int(5), "lr": .double(0.1), "booster": .string("gbtree")]
        var q = p
        q["lr"] = .double(0.1001)
        XCTAssertEqual(curves.quality(p), curves.quality(q), accuracy: 1e-3)
        XCTAssertLessThan(curves.value(params: p, epoch: 1, trial: 0), curves.value(params: p, epoch: 10, trial: 0))
        let minCurves = SyntheticCurves(family: .saturating, space: c.families[0].space, mode: .min, maxEpochs: 10, seed: 1)
        XCTAssertEqual(minCurves.value(params: p, epoch: 3, trial: 0), 1 - curves.value(params: p, epoch: 3, trial: 0), accuracy: 1e-12)
    }

    func testReplayCurvesUseTheNearestRecordedTrial() throws {
        let space = try SearchSpace([Parameter(name: "x", domain: .uniform(low: 0, high: 1))])
        let text = """
        {"trial": 0, "params": {"x": 0.1}, "epoch": 1, "value": 0.5}
        {"trial": 0, "epoch": 2, "value": 0.6}
        {"trial": 1, "params": {"x": 0.9}, "epoch": 1, "value": 0.7}
        """
        let r = try ReplayCurves(text: text, file: "r.jsonl", space: space)
        XCTAssertEqual(r.value(params: ["x": .double(0.2)], epoch: 2, trial: 7), 0.6)
        XCTAssertEqual(r.value(params: ["x": .double(0.8)], epoch: 5, trial: 7), 0.7)
        XCTAssertThrowsError(try ReplayCurves(text: "{\"trial\": 0}", file: "r.jsonl", space: space)) {
            XCTAssertTrue(($0 as? RungError)?.message.hasPrefix("r.jsonl:1:") ?? false)
        }
    }
}
