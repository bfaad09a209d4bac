import XCTest
@testable import RungCore

/// `warm_start:` and `data.through_batch:` in sweep configs, fitting earlier parameters into a
/// space, and the tuner evaluating warm starts first.
final class WarmStartTests: XCTestCase {
    private func parse(_ yaml: String) throws -> SweepConfig {
        try SweepConfigParser.parse(yaml: yaml, file: "nightly.yaml")
    }

    private let families = """
    families:
      xgboost:
        trials: 4
        space:
          max_depth: {type: int, low: 3, high: 10}
          learning_rate: {type: loguniform, low: 0.01, high: 0.3}
      logistic_regression:
        trials: 2
        warm_start: none
        space:
          reg_alpha: {type: loguniform, low: 0.00001, high: 1}
    """

    func testTopLevelWarmStartAppliesToFamiliesThatDoNotOverrideIt() throws {
        let c = try parse("name: n\nmetric: {name: val_auc, mode: max}\nwarm_start: production\n" + families)
        XCTAssertEqual(c.warmStart, .production)
        XCTAssertEqual(c.family(named: "xgboost")?.warmStart, .production)
        XCTAssertEqual(c.family(named: "logistic_regression")?.warmStart, WarmStart.none)

        let plain = try parse("name: n\nmetric: {name: val_auc, mode: max}\n" + families)
        XCTAssertEqual(plain.warmStart, WarmStart.none, "the default is none")
        XCTAssertEqual(plain.family(named: "xgboost")?.warmStart, WarmStart.none)

        let perFamily = try parse("name: n\nmetric: {name: val_auc, mode: max}\n" + families
            .replacingOccurrences(of: "    trials: 4\n", with: "    trials: 4\n    warm_start: production\n"))
        XCTAssertEqual(perFamily.family(named: "xgboost")?.warmStart, .production)
        XCTAssertEqual(perFamily.family(named: "logistic_regression")?.warmStart, WarmStart.none)
    }

    func testABadWarmStartNamesTheLineAndTheKey() throws {
        XCTAssertThrowsError(try parse("name: n\nmetric: {name: val_auc, mode: max}\nwarm_start: staging\n" + families)) { e in
            let m = (e as? RungError)?.message ?? ""
            XCTAssertTrue(m.hasPrefix("nightly.yaml:3: key warm_start:"), m)
            XCTAssertTrue(m.contains("none, production or history") && m.contains("'staging'"), m)
        }
        XCTAssertThrowsError(try parse("name: n\nmetric: {name: val_auc, mode: max}\n" + families
            .replacingOccurrences(of: "warm_start: none", with: "warm_start: [production]"))) { e in
            let m = (e as? RungError)?.message ?? ""
            XCTAssertTrue(m.contains("families.logistic_regression.warm_start") && m.contains("a list"), m)
        }
    }

    func testThroughBatchIsANumberOrLatest() throws {
        func data(_ value: String) throws -> DataSettings {
            try parse("name: n\ndata: {source: rows.csv, recipe: r.yaml, through_batch: \(value)}\nmetric: {name: val_auc, mode: max}\n" + families).data
        }
        XCTAssertEqual(try data("2").throughBatch, .batch(2))
        XCTAssertEqual(try data("0").throughBatch, .batch(0))
        XCTAssertEqual(try data("latest").throughBatch, .latest)
        XCTAssertNil(try parse("name: n\ndata: {source: rows.csv}\nmetric: {name: val_auc, mode: max}\n" + families).data.throughBatch)
        for bad in ["-1", "all", "1.5"] {
            XCTAssertThrowsError(try data(bad)) { e in
                let m = (e as? RungError)?.message ?? ""
                XCTAssertTrue(m.hasPrefix("nightly.yaml:2: key data.through_batch:") && m.contains("non-negative integer or latest"), m)
            }
        }
    }

    // MARK: - Fitting earlier parameters into the space

    private func space(_ yaml: String) throws -> SearchSpace {
        try parse("name: n\nmetric: {name: val_auc, mode: max}\nfamilies:\n  f:\n    command: [x]\n    space:\n" + yaml).families[0].space
    }

    func testParametersInsideTheSpaceAreKeptAsTheyAre() throws {
        let s = try space("""
              depth: {type: int, low: 3, high: 10}
              rate: {type: loguniform, low: 0.01, high: 0.3}
              kind: {type: choice, choices: [gbtree, dart]}
        """)
        let given: [String: ParamValue] = ["depth": .int(6), "rate": .double(0.05), "kind": .string("dart"), "rounds": .int(10)]
        let point = WarmStartPoint.fit(given, to: s, ignoring: ["rounds"])
        XCTAssertEqual(point.params, ["depth": .int(6), "rate": .double(0.05), "kind": .string("dart")])
        XCTAssertEqual(point.notes, [], "epoch settings are dropped silently")
        XCTAssertNil(s.validationProblem(of: point.params!))
    }

    func testNumbersOutsideTheirRangeAreClippedAndSnappedWithANote() throws {
        let s = try space("""
              depth: {type: int, low: 3, high: 10}
              rate: {type: loguniform, low: 0.01, high: 0.3}
              drop: {type: quniform, low: 0, high: 0.5, q: 0.05}
              frac: {type: uniform, low: 0.5, high: 1.0}
        """)
        // 1.0 as written in JSON may come back as an integer: it is still the real 1.0.
        let point = WarmStartPoint.fit(["depth": .double(12.4), "rate": .double(0.001), "drop": .double(0.12), "frac": .int(1)], to: s)
        let params = try XCTUnwrap(point.params)
        XCTAssertEqual(params["depth"], .int(10))
        XCTAssertEqual(params["rate"], .double(0.01))
        XCTAssertEqual(params["drop"]?.doubleValue ?? .nan, 0.1, accuracy: 1e-12)
        XCTAssertEqual(params["frac"], .double(1.0))
        XCTAssertNil(s.validationProblem(of: params))
        XCTAssertEqual(point.notes.count, 3, "\(point.notes)")
        XCTAssertTrue(point.notes.contains { $0.hasPrefix("depth = 12.4") && $0.contains("using 10") }, "\(point.notes)")
        XCTAssertTrue(point.notes.contains { $0.hasPrefix("rate = 0.001 is outside [0.01, 0.3]") }, "\(point.notes)")
        XCTAssertTrue(point.notes.contains { $0.hasPrefix("drop = 0.12 is not on the grid") }, "\(point.notes)")
    }

    func testAChoiceThatNoLongerExistsSkipsTheWarmStart() throws {
        let s = try space("""
              penalty: {type: choice, choices: [l2, l1]}
              alpha: {type: uniform, low: 0, high: 1}
        """)
        let point = WarmStartPoint.fit(["penalty": .string("elasticnet"), "alpha": .double(0.5)], to: s)
        XCTAssertNil(point.params)
        XCTAssertEqual(point.notes.count, 1)
        XCTAssertTrue(point.notes[0].contains("elasticnet is not one of the choices l2, l1; the warm start is skipped"), point.notes[0])
        XCTAssertNil(WarmStartPoint.fit(["penalty": .string("l2"), "alpha": .string("high")], to: s).params)
    }

    func testNewParametersGetTheMiddleAndOldOnesAreDropped() throws {
        let s = try space("""
              penalty: {type: choice, choices: [l2, elasticnet]}
              l1_ratio: {type: uniform, low: 0, high: 1, when: {penalty: elasticnet}}
              lambda: {type: loguniform, low: 0.01, high: 100}
              solver: {type: const, value: coord}
        """)
        let point = WarmStartPoint.fit(["penalty": .string("l2"), "l1_ratio": .double(0.3), "gamma": .double(2)], to: s)
        let params = try XCTUnwrap(point.params)
        XCTAssertEqual(params["penalty"], .string("l2"))
        XCTAssertNil(params["l1_ratio"], "inactive under penalty l2")
        XCTAssertEqual(params["lambda"]?.doubleValue ?? .nan, 1.0, accuracy: 1e-12, "geometric middle of [0.01, 100]")
        XCTAssertEqual(params["solver"], .string("coord"))
        XCTAssertNil(s.validationProblem(of: params))
        XCTAssertEqual(point.notes, [
            "l1_ratio is inactive under the space's when-conditions; dropped",
            "lambda is new in the space; using the middle of its range, 1.0",
            "gamma is not in the space; dropped",
        ])
    }

    // MARK: - The tuner

    private func tunerConfig(trials: Int) throws -> SweepConfig {
        try parse("""
        name: t
        seed: 7
        metric: {name: val_auc, mode: max}
        searcher: {type: tpe, startup_trials: 1}
        scheduler: {type: fifo, max_epochs: 1}
        families:
          xgboost:
            trials: \(trials)
            space:
              x: {type: uniform, low: 0, high: 1}
              y: {type: uniform, low: 0, high: 1}
        """)
    }

    func testWarmStartsComeFirstCountTowardTheBudgetAndAreToldToTheSearcher() throws {
        let config = try tunerConfig(trials: 3)
        let warm: [String: ParamValue] = ["x": .double(0.97), "y": .double(0.03)]
        var t = FamilyTuner(config: config, familyIndex: 0, warmStarts: [warm])
        guard case let .start(first, params)? = t.nextAssignment() else { return XCTFail("expected a start") }
        XCTAssertEqual(first, 0)
        XCTAssertEqual(params, warm)
        XCTAssertTrue(t.isWarmStart(0))
        XCTAssertEqual(t.report(trial: 0, epoch: 1, value: 0.9), .complete)
        guard case let .start(second, suggested)? = t.nextAssignment() else { return XCTFail("expected a start") }
        XCTAssertEqual(second, 1)
        XCTAssertFalse(t.isWarmStart(1))

        // The same searcher, told about the warm-start trial directly, suggests the same.
        var told = config.searcher.makeSearcher(space: config.families[0].space, mode: .max, seed: config.searcherSeed(forFamilyAt: 0))
        told.register(trialID: 0, params: warm)
        told.observe(trialID: 0, value: 0.9, budget: 1)
        told.finish(trialID: 0)
        XCTAssertEqual(suggested, told.suggest(trialID: 1))
        // A searcher that was not told suggests something else.
        var untold = config.searcher.makeSearcher(space: config.families[0].space, mode: .max, seed: config.searcherSeed(forFamilyAt: 0))
        _ = untold.suggest(trialID: 0)
        XCTAssertNotEqual(suggested, untold.suggest(trialID: 1))

        guard case .start(2, _)? = t.nextAssignment() else { return XCTFail("expected trial 2") }
        XCTAssertTrue(t.budgetSpent, "the warm-start trial counts toward trials: 3")
        XCTAssertNil(t.nextAssignment())
    }

    func testAReplayedWarmStartIsNotEvaluatedTwice() throws {
        let warm: [String: ParamValue] = ["x": .double(0.5), "y": .double(0.5)]
        var t = FamilyTuner(config: try tunerConfig(trials: 3), familyIndex: 0, warmStarts: [warm])
        t.replayStart(trial: 0, params: warm)
        guard case let .start(trial, params)? = t.nextAssignment() else { return XCTFail("expected a start") }
        XCTAssertEqual(trial, 1)
        XCTAssertNotEqual(params, warm)
    }

    func testMoreWarmStartsThanTrialsUseOnlyTheBudget() throws {
        let points: [[String: ParamValue]] = (0..<3).map { ["x": .double(Double($0) / 4), "y": .double(0.5)] }
        var t = FamilyTuner(config: try tunerConfig(trials: 2), familyIndex: 0, warmStarts: points)
        var seen: [[String: ParamValue]] = []
        while case let .start(_, p)? = t.nextAssignment() { seen.append(p) }
        XCTAssertEqual(seen, Array(points.prefix(2)))
    }
}

/// The shipped nightly config.
final class NightlyConfigTests: XCTestCase {
    func testConfigNightlyYamlWarmStartsFollowsTheLatestBatchAndPromotesOnlyIfBetter() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let nightly = try SweepConfigParser.load(path: root.appendingPathComponent("Config/nightly.yaml").path)
        let full = try SweepConfigParser.load(path: root.appendingPathComponent("Config/health-predict.yaml").path)
        XCTAssertEqual(nightly.warmStart, .production)
        XCTAssertTrue(nightly.families.allSatisfy { $0.warmStart == .production })
        XCTAssertEqual(nightly.data.throughBatch, .latest)
        XCTAssertEqual(nightly.data.recipe, full.data.recipe)
        XCTAssertEqual(nightly.register, RegisterSettings(metric: "test_auc", minImprovement: 0.002))
        XCTAssertEqual(nightly.families.map(\.name), full.families.map(\.name))
        for (n, f) in zip(nightly.families, full.families) {
            XCTAssertLessThan(n.trials, f.trials, "\(n.name): a night runs fewer trials than the full sweep")
            XCTAssertEqual(n.space, f.space, "\(n.name): the same space, so production's parameters fit it")
            XCTAssertEqual(n.epoch, f.epoch, n.name)
        }
        XCTAssertEqual(nightly.scheduler, full.scheduler)
    }
}
