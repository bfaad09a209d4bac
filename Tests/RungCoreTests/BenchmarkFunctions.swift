#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RungCore

/// Standard optimisation test functions (minimisation) used as specifications of search quality.
enum BenchmarkFunctions {
    /// Branin on [-5, 10] × [0, 15]; global minimum 0.397887.
    static let braninSpace = try! SearchSpace([
        Parameter(name: "x1", domain: .uniform(low: -5, high: 10)),
        Parameter(name: "x2", domain: .uniform(low: 0, high: 15)),
    ])
    static let braninMinimum = 0.397887

    static func branin(_ p: [String: ParamValue]) -> Double {
        let x1 = p["x1"]!.doubleValue!, x2 = p["x2"]!.doubleValue!
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        let a = x2 - b * x1 * x1 + c * x1 - 6
        return a * a + 10 * (1 - t) * cos(x1) + 10
    }

    /// Hartmann 6-D on [0, 1]^6; global minimum −3.32237.
    static let hartmann6Space = try! SearchSpace((1...6).map { Parameter(name: "x\($0)", domain: .uniform(low: 0, high: 1)) })
    static let hartmann6Minimum = -3.32237

    static func hartmann6(_ p: [String: ParamValue]) -> Double {
        let alpha = [1.0, 1.2, 3.0, 3.2]
        let a: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                             [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
        let pm: [[Double]] = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
                              [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
                              [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
                              [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
        let x = (1...6).map { p["x\($0)"]!.doubleValue! }
        var s = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 { inner += a[i][j] * (x[j] - pm[i][j]) * (x[j] - pm[i][j]) }
            s += alpha[i] * exp(-inner)
        }
        return -s
    }

    /// Runs `evaluations` sequential ask/tell rounds and returns the best value found.
    static func bestValue<S: Searcher>(_ searcher: inout S, evaluations: Int, objective: ([String: ParamValue]) -> Double) -> Double {
        var best = Double.infinity
        for t in 0..<evaluations {
            let p = searcher.suggest(trialID: t)
            let v = objective(p)
            searcher.observe(trialID: t, value: v, budget: 1)
            searcher.finish(trialID: t)
            best = min(best, v)
        }
        return best
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
