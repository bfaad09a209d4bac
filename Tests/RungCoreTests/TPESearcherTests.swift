import XCTest
@testable import RungCore

final class TPESearcherTests: XCTestCase {
    private func medianRegret(tpe: Bool, multivariate: Bool = true, space: SearchSpace, minimum: Double,
                              evaluations: Int, seeds: Int, f: ([String: ParamValue]) -> Double) -> Double {
        var regrets: [Double] = []
        for seed in 0..<seeds {
            var opts = TPEOptions()
            opts.multivariate = multivariate
            if tpe {
                var s = TPESearcher(space: space, mode: .min, seed: UInt64(seed), options: opts)
                regrets.append(BenchmarkFunctions.bestValue(&s, evaluations: evaluations, objective: f) - minimum)
            } else {
                var s = RandomSearcher(space: space, seed: UInt64(seed))
                regrets.append(BenchmarkFunctions.bestValue(&s, evaluations: evaluations, objective: f) - minimum)
            }
        }
        return BenchmarkFunctions.median(regrets)
    }

    func testTPEBeatsRandomOnBranin() {
        let tpe = medianRegret(tpe: true, space: BenchmarkFunctions.braninSpace, minimum: BenchmarkFunctions.braninMinimum,
                               evaluations: 60, seeds: 10, f: BenchmarkFunctions.branin)
        let rnd = medianRegret(tpe: false, space: BenchmarkFunctions.braninSpace, minimum: BenchmarkFunctions.braninMinimum,
                               evaluations: 60, seeds: 10, f: BenchmarkFunctions.branin)
        XCTAssertLessThan(tpe, rnd, "median regret over 10 seeds, 60 evaluations: TPE \(tpe), random \(rnd)")
    }

    func testTPEBeatsRandomOnHartmann6() {
        let tpe = medianRegret(tpe: true, space: BenchmarkFunctions.hartmann6Space, minimum: BenchmarkFunctions.hartmann6Minimum,
                               evaluations: 60, seeds: 10, f: BenchmarkFunctions.hartmann6)
        let rnd = medianRegret(tpe: false, space: BenchmarkFunctions.hartmann6Space, minimum: BenchmarkFunctions.hartmann6Minimum,
                               evaluations: 60, seeds: 10, f: BenchmarkFunctions.hartmann6)
        XCTAssertLessThan(tpe, rnd, "median regret over 10 seeds, 60 evaluations: TPE \(tpe), random \(rnd)")
    }

    func testUnivariateTPEAlsoBeatsRandomOnHartmann6() {
        let tpe = medianRegret(tpe: true, multivariate: false, space: BenchmarkFunctions.hartmann6Space,
                               minimum: BenchmarkFunctions.hartmann6Minimum, evaluations: 60, seeds: 10, f: BenchmarkFunctions.hartmann6)
        let rnd = medianRegret(tpe: false, space: BenchmarkFunctions.hartmann6Space, minimum: BenchmarkFunctions.hartmann6Minimum,
                               evaluations: 60, seeds: 10, f: BenchmarkFunctions.hartmann6)
        XCTAssertLessThan(tpe, rnd, "univariate TPE \(tpe), random \(rnd)")
    }

    func testSameSeedAndEventsGiveSameSuggestions() {
        func run(seed: UInt64) -> [[String: ParamValue]] {
            var s = TPESearcher(space: BenchmarkFunctions.hartmann6Space, mode: .min, seed: seed)
            var out: [[String: ParamValue]] = []
            for t in 0..<30 {
                let p = s.suggest(trialID: t)
                out.append(p)
                s.observe(trialID: t, value: BenchmarkFunctions.hartmann6(p), budget: 1)
                s.finish(trialID: t)
            }
            return out
        }
        XCTAssertEqual(run(seed: 7), run(seed: 7))
        XCTAssertNotEqual(run(seed: 7), run(seed: 8))
    }

    func testSeededGeneratorStreamIsFixed() {
        // SplitMix64 seeding + xoshiro256** are fully specified: the stream must not depend on the platform.
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let xs = (0..<5).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<5).map { _ in b.next() })
        XCTAssertEqual(Set(xs).count, 5)
        var u = SeededGenerator(seed: 1)
        for _ in 0..<1000 { let d = u.nextUnit(); XCTAssert(d >= 0 && d < 1) }
        // Seed 0 through SplitMix64: the first state word is SplitMix64's first output for 0.
        var z = SeededGenerator(seed: 0)
        XCTAssertNotEqual(z.next(), 0)
    }

    func testInactiveConditionalParametersNeverAppear() throws {
        let space = try SearchSpace([
            Parameter(name: "penalty", domain: .choice([.string("l2"), .string("l1"), .string("elasticnet")])),
            Parameter(name: "l1_ratio", domain: .uniform(low: 0, high: 1),
                      conditions: [ParameterCondition(parent: "penalty", values: [.string("elasticnet")])]),
            Parameter(name: "C", domain: .loguniform(low: 1e-3, high: 10)),
        ])
        for multivariate in [true, false] {
            var opts = TPEOptions()
            opts.multivariate = multivariate
            var s = TPESearcher(space: space, mode: .max, seed: 3, options: opts)
            var sawActive = 0
            for t in 0..<80 {
                let p = s.suggest(trialID: t)
                XCTAssertNil(space.validationProblem(of: p), "\(p)")
                if p["penalty"] == .string("elasticnet") {
                    XCTAssertNotNil(p["l1_ratio"])
                    sawActive += 1
                } else {
                    XCTAssertNil(p["l1_ratio"], "l1_ratio suggested while penalty = \(p["penalty"]!)")
                }
                // Reward elasticnet with high l1_ratio so the conditional branch gets modelled.
                let v = p["penalty"] == .string("elasticnet") ? p["l1_ratio"]!.doubleValue! : 0.3
                s.observe(trialID: t, value: v, budget: 1)
                s.finish(trialID: t)
            }
            XCTAssertGreaterThan(sawActive, 20)
        }
    }

    func testIntAndQuantisedValuesStayOnTheirGrid() throws {
        let space = try SearchSpace([
            Parameter(name: "depth", domain: .int(low: 3, high: 10, log: false)),
            Parameter(name: "trees", domain: .int(low: 10, high: 1000, log: true)),
            Parameter(name: "q", domain: .quniform(low: 0, high: 1, q: 0.25)),
        ])
        var s = TPESearcher(space: space, mode: .min, seed: 11)
        var seenDepths = Set<Int>()
        for t in 0..<60 {
            let p = s.suggest(trialID: t)
            XCTAssertNil(space.validationProblem(of: p), "\(p)")
            guard case .int(let d) = p["depth"]!, case .int(let n) = p["trees"]! else { return XCTFail("ints expected") }
            seenDepths.insert(d)
            s.observe(trialID: t, value: Double(abs(d - 7)) + abs(log(Double(n)) - log(100)) + abs(p["q"]!.doubleValue! - 0.5), budget: 1)
            s.finish(trialID: t)
        }
        XCTAssertTrue(seenDepths.contains(3) || seenDepths.contains(10), "the end points of an int range are reachable")
    }

    func testConstantLiarSpreadsPendingAsks() {
        // After 20 told trials, ask 8 without telling: with the liar the asks must differ
        // more than without it (where every ask sees the same model).
        func spread(liar: Bool, seed: UInt64) -> Double {
            var opts = TPEOptions()
            opts.constantLiar = liar
            var s = TPESearcher(space: BenchmarkFunctions.braninSpace, mode: .min, seed: seed, options: opts)
            for t in 0..<20 {
                let p = s.suggest(trialID: t)
                s.observe(trialID: t, value: BenchmarkFunctions.branin(p), budget: 1)
                s.finish(trialID: t)
            }
            let batch = (20..<28).map { s.suggest(trialID: $0) }
            let pts = batch.map { ($0["x1"]!.doubleValue! / 15, $0["x2"]!.doubleValue! / 15) }
            var total = 0.0, pairs = 0.0
            for i in 0..<pts.count { for j in (i + 1)..<pts.count {
                let dx = pts[i].0 - pts[j].0, dy = pts[i].1 - pts[j].1
                total += (dx * dx + dy * dy).squareRoot(); pairs += 1
            } }
            return total / pairs
        }
        var wins = 0
        for seed in UInt64(0)..<10 where spread(liar: true, seed: seed) > spread(liar: false, seed: seed) { wins += 1 }
        XCTAssertGreaterThanOrEqual(wins, 8, "the liar spread the batch more in \(wins) of 10 seeds")
    }

    func testRungAwareFitUsesTheHighestRungWithEnoughResults() throws {
        // Trials 0–9 report only at budget 1 (stopped early) with values that favour small x;
        // trials 10–19 reach budget 9 with values that favour large x. The rung-aware fit must
        // use budget 9 and suggest large x; the last-result fit mixes both rungs.
        let space = try SearchSpace([Parameter(name: "x", domain: .uniform(low: 0, high: 1))])
        func meanSuggestion(_ policy: FidelityPolicy) -> Double {
            var opts = TPEOptions()
            opts.fidelity = policy
            opts.startupTrials = 5
            opts.minPointsPerRung = 5
            var s = TPESearcher(space: space, mode: .min, seed: 9, options: opts)
            for t in 0..<20 {
                let x = (Double(t % 10) + 0.5) / 10
                s.register(trialID: t, params: ["x": .double(x)])
                if t < 10 {
                    s.observe(trialID: t, value: x, budget: 1)
                } else {
                    s.observe(trialID: t, value: 2 - x, budget: 1)
                    s.observe(trialID: t, value: 1 - x, budget: 9)
                }
                s.finish(trialID: t)
            }
            var sum = 0.0
            for t in 20..<40 {
                sum += s.suggest(trialID: t)["x"]!.doubleValue!
                s.finish(trialID: t)
            }
            return sum / 20
        }
        let rung = meanSuggestion(.highestRung)
        let last = meanSuggestion(.lastResult)
        XCTAssertGreaterThan(rung, 0.6)
        XCTAssertGreaterThan(rung, last + 0.1)
    }

    func testTrialsStoppedBelowTheFittedRungCountAsBad() throws {
        // Trials 0–9 (x in [0.5, 1)) reach budget 9; trials 10–39 (x in [0, 0.5)) were stopped
        // at budget 1. Counting the stopped ones in g(x) must keep suggestions out of [0, 0.5).
        let space = try SearchSpace([Parameter(name: "x", domain: .uniform(low: 0, high: 1))])
        func lowFraction(stoppedAsBad: Bool) -> Double {
            var opts = TPEOptions()
            opts.stoppedTrialsAsBad = stoppedAsBad
            opts.minPointsPerRung = 5
            var s = TPESearcher(space: space, mode: .min, seed: 1, options: opts)
            for t in 0..<40 {
                let x = t < 10 ? 0.5 + Double(t) / 20 : Double(t - 10) / 60
                s.register(trialID: t, params: ["x": .double(x)])
                s.observe(trialID: t, value: 1 - x, budget: 1)
                if t < 10 { s.observe(trialID: t, value: Double(t), budget: 9) }
                s.finish(trialID: t)
            }
            var low = 0
            for t in 40..<100 {
                if s.suggest(trialID: t)["x"]!.doubleValue! < 0.5 { low += 1 }
                s.finish(trialID: t)
            }
            return Double(low) / 60
        }
        let with = lowFraction(stoppedAsBad: true), without = lowFraction(stoppedAsBad: false)
        XCTAssertLessThan(with, 0.2)
        XCTAssertLessThan(with, without)
    }

    func testMaximisationPrefersHighValues() throws {
        let space = try SearchSpace([Parameter(name: "x", domain: .uniform(low: 0, high: 1))])
        var s = TPESearcher(space: space, mode: .max, seed: 2)
        var late = 0.0
        for t in 0..<60 {
            let x = s.suggest(trialID: t)["x"]!.doubleValue!
            if t >= 40 { late += x }
            s.observe(trialID: t, value: x, budget: 1)
            s.finish(trialID: t)
        }
        XCTAssertGreaterThan(late / 20, 0.75)
    }

    func testGammaAndForgettingRules() {
        XCTAssertEqual(TPEOptions.Gamma.linear(fraction: 0.1, cap: 25).goodCount(10), 1)
        XCTAssertEqual(TPEOptions.Gamma.linear(fraction: 0.1, cap: 25).goodCount(101), 11)
        XCTAssertEqual(TPEOptions.Gamma.linear(fraction: 0.1, cap: 25).goodCount(1000), 25)
        XCTAssertEqual(TPEOptions.Gamma.sqrt(factor: 0.25).goodCount(100), 3)
        let w = TPEOptions().observationWeights(30)
        XCTAssertEqual(w.count, 30)
        XCTAssertEqual(w[0], 1.0 / 30, accuracy: 1e-12)
        XCTAssertEqual(w[4], 1.0, accuracy: 1e-12)
        XCTAssertTrue(w[0] < w[1] && w[1] < w[2])
        XCTAssertEqual(Array(w[5...]), Array(repeating: 1.0, count: 25))
        XCTAssertEqual(TPEOptions().observationWeights(25), Array(repeating: 1.0, count: 25))
    }

    func testRandomSearcherCoversTheDomain() throws {
        let space = try SearchSpace([
            Parameter(name: "lr", domain: .loguniform(low: 1e-4, high: 1)),
            Parameter(name: "k", domain: .int(low: 1, high: 3, log: false)),
        ])
        var s = RandomSearcher(space: space, seed: 4)
        var ks = [0, 0, 0, 0]
        var small = 0
        for t in 0..<600 {
            let p = s.suggest(trialID: t)
            XCTAssertNil(space.validationProblem(of: p))
            if case .int(let k) = p["k"]! { ks[k] += 1 }
            if p["lr"]!.doubleValue! < 1e-2 { small += 1 }
        }
        for k in 1...3 { XCTAssertGreaterThan(ks[k], 150) }
        XCTAssertGreaterThan(small, 300) // log-uniform: half the mass below 1e-2
    }
}
