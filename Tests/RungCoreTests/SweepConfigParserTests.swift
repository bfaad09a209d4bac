import XCTest
@testable import RungCore

final class SweepConfigParserTests: XCTestCase {
    static let designExample = """
    name: health-predict
    seed: 42
    data:
      source: uci-diabetes-130
      recipe: datasets/diabetes.yaml
      prepared: s3://health-predict/processed/
    metric: {name: val_auc, mode: max}
    searcher: {type: tpe, startup_trials: 10}
    scheduler: {type: asha, max_epochs: 20, grace_period: 2, reduction_factor: 3}
    families:
      xgboost:
        trials: 40
        epoch: {rounds: 10}
        space:
          max_depth:        {type: int, low: 3, high: 10}
          learning_rate:    {type: loguniform, low: 0.01, high: 0.3}
          subsample:        {type: uniform, low: 0.5, high: 1.0}
      logistic_regression:
        trials: 40
        space:
          penalty:  {type: choice, choices: [l2, l1, elasticnet]}
          l1_ratio: {type: uniform, low: 0, high: 1, when: {penalty: elasticnet}}
      my_script:
        trials: 20
        command: [python3, train.py]
        space:
          layers: {type: int, low: 1, high: 512, log: true}
          dropout: {type: quniform, low: 0, high: 0.5, q: 0.05}
          optimizer: {type: const, value: adam}
    register: {metric: test_auc, min_improvement: 0.002}
    """

    func testParsesTheDesignExample() throws {
        let c = try SweepConfigParser.parse(yaml: Self.designExample, file: "sweep.yaml")
        XCTAssertEqual(c.name, "health-predict")
        XCTAssertEqual(c.seed, 42)
        XCTAssertEqual(c.data, DataSettings(source: "uci-diabetes-130", recipe: "datasets/diabetes.yaml",
                                            prepared: "s3://health-predict/processed/"))
        XCTAssertEqual(c.metric, MetricSettings(name: "val_auc", mode: .max))
        XCTAssertEqual(c.searcher.type, .tpe)
        XCTAssertEqual(c.searcher.tpe.startupTrials, 10)
        XCTAssertEqual(c.scheduler.type, .asha)
        XCTAssertEqual(c.scheduler.maxEpochs, 20)
        XCTAssertEqual(c.scheduler.gracePeriod, 2)
        XCTAssertEqual(c.scheduler.reductionFactor, 3)
        XCTAssertEqual(c.families.map(\.name), ["xgboost", "logistic_regression", "my_script"])
        let xgb = c.families[0]
        XCTAssertEqual(xgb.kind, .xgboost)
        XCTAssertEqual(xgb.trials, 40)
        XCTAssertEqual(xgb.epoch, ["rounds": .int(10)])
        XCTAssertEqual(xgb.space.parameters.map(\.name), ["max_depth", "learning_rate", "subsample"])
        XCTAssertEqual(xgb.space.parameters[0].domain, .int(low: 3, high: 10, log: false))
        XCTAssertEqual(xgb.space.parameters[1].domain, .loguniform(low: 0.01, high: 0.3))
        let lr = c.families[1]
        XCTAssertEqual(lr.kind, .logisticRegression)
        XCTAssertEqual(lr.space.parameters[1].conditions,
                       [ParameterCondition(parent: "penalty", values: [.string("elasticnet")])])
        let script = c.families[2]
        XCTAssertEqual(script.kind, .command(["python3", "train.py"]))
        XCTAssertEqual(script.space.parameters[0].domain, .int(low: 1, high: 512, log: true))
        XCTAssertEqual(script.space.parameters[1].domain, .quniform(low: 0, high: 0.5, q: 0.05))
        XCTAssertEqual(script.space.parameters[2].domain, .const(.string("adam")))
        XCTAssertEqual(c.register, RegisterSettings(metric: "test_auc", minImprovement: 0.002))
        XCTAssertEqual(c.file, "sweep.yaml")
    }

    func testSchedulerAndSearcherObjectsAreBuilt() throws {
        let c = try SweepConfigParser.parse(yaml: Self.designExample, file: "sweep.yaml")
        let sched = c.scheduler.makeScheduler(mode: c.metric.mode)
        XCTAssertEqual(sched.milestones(for: 0), [2, 6, 18, 20])
        var searcher = c.searcher.makeSearcher(space: c.families[0].space, mode: .max, seed: c.searcherSeed(forFamilyAt: 0))
        let p = searcher.suggest(trialID: 0)
        XCTAssertNil(c.families[0].space.validationProblem(of: p))
        XCTAssertNotEqual(c.searcherSeed(forFamilyAt: 0), c.searcherSeed(forFamilyAt: 1))
    }

    /// Replaces the line containing `marker` in the example (or appends) and expects an error.
    private func expectError(_ yaml: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SweepConfigParser.parse(yaml: yaml, file: "sweep.yaml"), file: file, line: line) { error in
            guard let e = error as? RungError else { return XCTFail("not a RungError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.kind, .badInput, file: file, line: line)
            XCTAssertTrue(e.message.hasPrefix(expected), "message was: \(e.message)", file: file, line: line)
        }
    }

    private func example(replacing old: String, with new: String) -> String {
        precondition(Self.designExample.contains(old), "example does not contain \(old)")
        return Self.designExample.replacingOccurrences(of: old, with: new)
    }

    func testUnknownKeysNameFileLineAndKey() {
        expectError(example(replacing: "seed: 42", with: "seed: 42\nsead: 1"),
                    "sweep.yaml:3: key sead: unknown key 'sead'")
        expectError(example(replacing: "{type: int, low: 3, high: 10}", with: "{type: int, low: 3, hihg: 10}"),
                    "sweep.yaml:15: key families.xgboost.space.max_depth.hihg: unknown key 'hihg'")
        expectError(example(replacing: "trials: 40\n    epoch", with: "trails: 40\n    epoch"),
                    "sweep.yaml:12: key families.xgboost.trails: unknown key 'trails'")
        expectError(example(replacing: "reduction_factor: 3}", with: "reduction_factor: 3, patience: 2}"),
                    "sweep.yaml:9: key scheduler.patience: unknown key 'patience'")
    }

    func testRangeErrors() {
        expectError(example(replacing: "{type: int, low: 3, high: 10}", with: "{type: int, low: 10, high: 3}"),
                    "sweep.yaml:15: key families.xgboost.space.max_depth.low: low (10) is greater than high (3)")
        expectError(example(replacing: "{type: uniform, low: 0.5, high: 1.0}", with: "{type: uniform, low: 0.5, high: 0.5}"),
                    "sweep.yaml:17: key families.xgboost.space.subsample.high: the range [0.5, 0.5] is empty")
        expectError(example(replacing: "{type: loguniform, low: 0.01, high: 0.3}", with: "{type: loguniform, low: 0, high: 0.3}"),
                    "sweep.yaml:16: key families.xgboost.space.learning_rate.low: loguniform bounds must be positive")
        expectError(example(replacing: "{type: quniform, low: 0, high: 0.5, q: 0.05}", with: "{type: quniform, low: 0, high: 0.5, q: 0}"),
                    "sweep.yaml:28: key families.my_script.space.dropout.q: q must be positive")
        expectError(example(replacing: "{type: int, low: 1, high: 512, log: true}", with: "{type: int, low: 0, high: 512, log: true}"),
                    "sweep.yaml:27: key families.my_script.space.layers.low: an int parameter with log: true needs low >= 1")
        expectError(example(replacing: "{type: int, low: 3, high: 10}", with: "{type: int, low: 3.5, high: 10}"),
                    "sweep.yaml:15: key families.xgboost.space.max_depth.low: expected an integer")
        expectError(example(replacing: "choices: [l2, l1, elasticnet]", with: "choices: []"),
                    "sweep.yaml:21: key families.logistic_regression.space.penalty.choices: choices must not be empty")
    }

    /// Found by fuzz/FuzzSweepConfig: finite bounds whose difference (or number of q steps)
    /// overflows were accepted, and the searcher then drew `inf` for the trials.
    func testRangesWiderThanADoubleAreRefused() {
        expectError(example(replacing: "{type: quniform, low: 0, high: 0.5, q: 0.05}", with: "{type: quniform, low: -1e308, high: 1e308, q: 1e307}"),
                    "sweep.yaml:28: key families.my_script.space.dropout.high: the range [-1e+308, 1e+308] is too wide")
        expectError(example(replacing: "{type: uniform, low: 0.5, high: 1.0}", with: "{type: uniform, low: -1.7e308, high: 1.7e308}"),
                    "sweep.yaml:17: key families.xgboost.space.subsample.high: the range [-1.7e+308, 1.7e+308] is too wide")
        expectError(example(replacing: "{type: quniform, low: 0, high: 0.5, q: 0.05}", with: "{type: quniform, low: -1e300, high: 1e300, q: 1e-99}"),
                    "sweep.yaml:28: key families.my_script.space.dropout.q: q (1e-99) is too small for the range [-1e+300, 1e+300]")
    }

    func testTypeAndConditionErrors() {
        expectError(example(replacing: "{type: uniform, low: 0.5, high: 1.0}", with: "{type: normal, low: 0.5, high: 1.0}"),
                    "sweep.yaml:17: key families.xgboost.space.subsample.type: unknown parameter type 'normal'")
        expectError(example(replacing: "when: {penalty: elasticnet}", with: "when: {penalti: elasticnet}"),
                    "sweep.yaml:22: key families.logistic_regression.space.l1_ratio.when: when names 'penalti', which is not a parameter")
        expectError(example(replacing: "when: {penalty: elasticnet}", with: "when: {penalty: lasso}"),
                    "sweep.yaml:22: key families.logistic_regression.space.l1_ratio.when: when: penalty = lasso, but lasso is not a possible value")
        expectError(example(replacing: "  my_script:\n    trials: 20\n    command: [python3, train.py]",
                            with: "  my_script:\n    trials: 20"),
                    "sweep.yaml:23: key families.my_script: unknown family type 'my_script'")
        expectError(example(replacing: "{type: tpe, startup_trials: 10}", with: "{type: smac, startup_trials: 10}"),
                    "sweep.yaml:8: key searcher.type: unknown searcher type 'smac'")
        expectError(example(replacing: "{type: asha, max_epochs: 20,", with: "{type: median, max_epochs: 20,"),
                    "sweep.yaml:9: key scheduler.type: unknown scheduler type 'median'")
        expectError(example(replacing: "{name: val_auc, mode: max}", with: "{name: val_auc, mode: maximise}"),
                    "sweep.yaml:7: key metric.mode: mode must be min or max")
        expectError(example(replacing: "grace_period: 2,", with: "grace_period: 30,"),
                    "sweep.yaml:9: key scheduler.grace_period: grace_period (30) is greater than max_epochs (20)")
        expectError(example(replacing: "reduction_factor: 3}", with: "reduction_factor: 1}"),
                    "sweep.yaml:9: key scheduler.reduction_factor: reduction_factor must be greater than 1")
        expectError(example(replacing: "trials: 20", with: "trials: 0"),
                    "sweep.yaml:24: key families.my_script.trials: trials must be at least 1")
    }

    func testMissingSectionsAndSyntaxErrors() {
        expectError("name: x\nmetric: {name: auc, mode: max}\n", "sweep.yaml:1: key (top level): missing required key 'families'")
        expectError("name: x\nfamilies:\n  xgboost: {trials: 3}\n", "sweep.yaml:1: key (top level): missing required key 'metric'")
        expectError("name: x\nmetric: {name: auc, mode: max\n", "sweep.yaml:")
        expectError("", "sweep.yaml:1: the sweep config is empty")
        expectError("name: [a\n", "sweep.yaml:")
    }

    func testDefaultsAndAlternatives() throws {
        let yaml = """
        name: small
        metric: {name: val_logloss, mode: min}
        scheduler: {type: hyperband, max_epochs: 27, brackets: 2}
        families:
          random_forest:
            params:
              max_depth: {type: int, low: 2, high: 12}
          rf2:
            type: random_forest
            trials: 5
        """
        let c = try SweepConfigParser.parse(yaml: yaml, file: "s.yaml")
        XCTAssertEqual(c.seed, 0)
        XCTAssertEqual(c.searcher.type, .tpe)
        XCTAssertEqual(c.scheduler.type, .hyperband)
        XCTAssertEqual(c.scheduler.gracePeriod, 1)
        XCTAssertEqual(c.scheduler.brackets, 2)
        XCTAssertEqual(c.families[0].trials, 20)
        XCTAssertEqual(c.families[0].space.count, 1)
        XCTAssertEqual(c.families[1].kind, .randomForest)
        XCTAssertEqual(c.families[1].space.count, 0)
        XCTAssertNil(c.register)
    }

    func testConditionCyclesAreRejected() {
        let yaml = """
        name: c
        metric: {name: m, mode: min}
        families:
          xgboost:
            space:
              a: {type: choice, choices: [x, y], when: {b: u}}
              b: {type: choice, choices: [u, v], when: {a: x}}
        """
        expectError(yaml, "sweep.yaml:6: key families.xgboost.space: the when-conditions of parameters a, b form a cycle")
    }

    func testAMetricNoFamilyReportsIsRefusedWithTheNearestName() throws {
        let yaml = """
        name: typo
        metric: {name: val_aucc, mode: max}
        families:
          xgboost: {trials: 2}
        """
        expectError(yaml, "sweep.yaml:2: key metric.name: metric val_aucc is not one family xgboost reports (did you mean val_auc?); its epochs report val_")
        // A command family reports what it declares; without a declaration its first report is checked.
        let declared = """
        name: mine
        metric: {name: val_auc, mode: max}
        families:
          mine: {command: [python3, train.py], metrics: [val_loss, val_accuracy]}
        """
        expectError(declared, "sweep.yaml:2: key metric.name: metric val_auc is not among the metrics family mine declares (metrics: [val_loss, val_accuracy])")
        let undeclared = try SweepConfigParser.parse(yaml: """
        name: mine
        metric: {name: loss, mode: min}
        families:
          mine: {command: [python3, train.py]}
        """, file: "sweep.yaml")
        XCTAssertNil(undeclared.families[0].declaredMetrics)
        let ok = try SweepConfigParser.parse(yaml: declared.replacingOccurrences(of: "val_loss,", with: "val_auc,"), file: "sweep.yaml")
        XCTAssertEqual(ok.families[0].declaredMetrics, ["val_auc", "val_accuracy"])
        expectError("""
        name: x
        metric: {name: val_auc, mode: max}
        families:
          xgboost: {metrics: [val_auc]}
        """, "sweep.yaml:4: key families.xgboost.metrics: metrics is only for families of type command")
    }

    func testLoadReportsUnreadableFile() {
        XCTAssertThrowsError(try SweepConfigParser.load(path: "/nonexistent/dir/sweep.yaml")) { error in
            XCTAssertTrue((error as? RungError)?.message.contains("/nonexistent/dir/sweep.yaml") ?? false)
        }
    }
}
