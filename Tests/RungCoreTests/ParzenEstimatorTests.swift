import XCTest
@testable import RungCore

/// The estimator against Optuna 5.0's `_ParzenEstimator` (values computed once by
/// bench/search/parzen_reference.py): same kernels, bandwidths, magic clip, prior,
/// categorical smoothing and forgetting weights.
final class ParzenEstimatorTests: XCTestCase {
    func testJointDensityMatchesOptuna() {
        let a = [0.1, 0.35, 0.4, 0.8, 0.95, 0.5], u = [-2.0, 3.5, 1.0, 4.0, -1.0, 0.2], c = [0.0, 2, 1, 1, 0, 2]
        let pe = ParzenEstimator(dims: [.numeric(low: 0, high: 1, step: .none), .numeric(low: -3, high: 5, step: .none),
                                        .categorical(count: 3)],
                                 columns: [a, u, c], obsWeights: TPEOptions().observationWeights(6), priorWeight: 1)
        let expected = [-2.1665336716150954, -3.4336559009968197, -3.9532124284895787]
        let points = [[0.2, -2.5, 0], [0.6, 0.0, 1], [0.9, 4.5, 2]]
        for (x, e) in zip(points, expected) { XCTAssertEqual(pe.logDensity(x), e, accuracy: 1e-9) }
    }

    func testUnivariateDensityMatchesOptuna() {
        let pe = ParzenEstimator(dims: [.numeric(low: 0, high: 1, step: .none)], columns: [[0.1, 0.35, 0.4, 0.8, 0.95, 0.5]],
                                 obsWeights: TPEOptions().observationWeights(6), priorWeight: 1)
        for (x, e) in zip([0.2, 0.6, 0.9], [-0.04033853307037116, -0.08767132622506058, 0.05805813520974912]) {
            XCTAssertEqual(pe.logDensity([x]), e, accuracy: 1e-9)
        }
    }

    func testForgettingWeightsMatchOptuna() {
        let o30 = [0.548814, 0.715189, 0.602763, 0.544883, 0.423655, 0.645894, 0.437587, 0.891773, 0.963663, 0.383442,
                   0.791725, 0.528895, 0.568045, 0.925597, 0.071036, 0.087129, 0.020218, 0.83262, 0.778157, 0.870012,
                   0.978618, 0.799159, 0.461479, 0.780529, 0.118274, 0.639921, 0.143353, 0.944669, 0.521848, 0.414662]
        let pe = ParzenEstimator(dims: [.numeric(low: 0, high: 1, step: .none)], columns: [o30],
                                 obsWeights: TPEOptions().observationWeights(30), priorWeight: 1)
        for (x, e) in zip([0.05, 0.5, 0.77], [0.020540197177718822, 0.11295220803824257, 0.41704420205636517]) {
            XCTAssertEqual(pe.logDensity([x]), e, accuracy: 1e-9)
        }
    }

    func testSamplesStayInsideTheBounds() {
        let pe = ParzenEstimator(dims: [.numeric(low: -1, high: 1, step: .none), .categorical(count: 4)],
                                 columns: [[-0.99, 0.98, 0.0], [0, 3, 1]], obsWeights: [1, 1, 1], priorWeight: 1)
        var g = SeededGenerator(seed: 8)
        for _ in 0..<2000 {
            let x = pe.sample(using: &g)
            XCTAssertTrue(x[0] >= -1 && x[0] <= 1)
            XCTAssertTrue([0.0, 1, 2, 3].contains(x[1]))
        }
    }

    func testSamplingFollowsTheDensity() {
        // Histogram of 100k draws against the integrated density, per tenth of the range.
        let pe = ParzenEstimator(dims: [.numeric(low: 0, high: 1, step: .none)], columns: [[0.1, 0.35, 0.4, 0.8, 0.95, 0.5]],
                                 obsWeights: [1, 1, 1, 1, 1, 1], priorWeight: 1)
        var g = SeededGenerator(seed: 21)
        var counts = [Double](repeating: 0, count: 10)
        let n = 100_000
        for _ in 0..<n { counts[min(Int(pe.sample(using: &g)[0] * 10), 9)] += 1 }
        for bin in 0..<10 {
            var mass = 0.0
            for k in 0..<200 { mass += exp(pe.logDensity([(Double(bin) + (Double(k) + 0.5) / 200) / 10])) / 2000 }
            XCTAssertEqual(counts[bin] / Double(n), mass, accuracy: 0.005, "bin \(bin)")
        }
    }
}
