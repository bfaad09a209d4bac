import XCTest
@testable import RungDrift

/// The drift statistics against scipy 1.17.1's `ks_2samp`, `kstwo.sf` and
/// `chi2_contingency` (and numpy's percentile for the PSI bins), on fixed inputs. The
/// reference values were computed once with `bench/serve/drift_reference.py` and are
/// written here; they must agree to 1e-9.
final class DriftStatisticsTests: XCTestCase {
    /// The inputs' generator, the same as the reference script's: sums of three 32-bit LCG
    /// draws, centred and scaled.
    static func lcg(_ seed: UInt64, _ n: Int, scale: Double = 1, shift: Double = 0) -> [Double] {
        var x = seed
        var out: [Double] = []
        for _ in 0..<n {
            var s: UInt64 = 0
            for _ in 0..<3 {
                x = (1_664_525 &* x &+ 1_013_904_223) & 0xFFFF_FFFF
                s += x
            }
            out.append((Double(s) / 4_294_967_296 - 1.5) * scale + shift)
        }
        return out
    }

    static let samples: [String: ([Double], [Double])] = [
        "equal50": (lcg(1, 50), lcg(2, 50, shift: 0.3)),
        "unequal60x45": (lcg(3, 60), lcg(4, 45, scale: 1.5)),
        "ties": (lcg(5, 200).map { ($0 * 4).rounded(.down) }, lcg(6, 150, shift: 0.1).map { ($0 * 4).rounded(.down) }),
        "asymp12000x3000": (lcg(7, 12000), lcg(8, 3000, shift: 0.02)),
        "asymp20000x100": (lcg(9, 20000), lcg(10, 100, shift: 0.1)),
        "asymp15000x11000shifted": (lcg(11, 15000), lcg(12, 11000, shift: 0.05)),
    ]

    func assertClose(_ a: Double, _ b: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(a - b), 1e-9, "\(what): \(a) vs scipy's \(b)", file: file, line: line)
        if b > 0, b < 1e-3 {
            XCTAssertLessThanOrEqual(abs(a - b) / b, 1e-6, "\(what): \(a) vs scipy's \(b) (relative)", file: file, line: line)
        }
    }

    func testKSTwoSampleMatchesScipy() {
        let expected: [(String, Double, Double, Bool)] = [
            ("equal50", 0.4, 0.0005822568814776493, true),
            ("unequal60x45", 0.18888888888888888, 0.2866090085131986, true),
            ("ties", 0.10166666666666667, 0.31965068973112587, true),
            ("asymp12000x3000", 0.02416666666666667, 0.11924024404273326, false),
            ("asymp20000x100", 0.11345000000000002, 0.1410192654386335, false),
            ("asymp15000x11000shifted", 0.0323090909090909, 3.4404739956595305e-06, false),
        ]
        for (name, statistic, p, exact) in expected {
            let (a, b) = Self.samples[name]!
            let ks = KolmogorovSmirnov(a, b)
            assertClose(ks.statistic, statistic, "\(name) D")
            assertClose(ks.pValue, p, "\(name) p")
            XCTAssertEqual(ks.exact, exact, name)
            // Symmetric in its samples.
            XCTAssertEqual(KolmogorovSmirnov(b, a).pValue, ks.pValue, accuracy: 1e-12, name)
        }
    }

    func testKolmogorovSurvivalMatchesScipyOnEveryBranch() {
        // (n, x, kstwo.sf(x, n)): Ruben–Gambino, Durbin matrix, Pomeranz, Smirnov, Pelz–Good.
        let expected: [(Int, Double, Double)] = [
            (50, 0.005, 1.0), (50, 0.015, 1.0), (50, 0.1, 0.6623112704658186), (50, 0.2, 0.03143877776953241),
            (50, 0.35, 5.573523514803185e-06), (50, 0.6, 9.634070456142374e-18), (50, 0.99, 2.0000000000000889e-100),
            (1000, 0.01, 0.9999496745370611), (1000, 0.03, 0.3226902143914636), (1000, 0.05, 0.013012074781090332),
            (1000, 0.2, 1.5528629204250538e-35), (200000, 0.001, 0.9881500208855729), (200000, 0.002, 0.39995085369038097),
            (200000, 0.003, 0.0545369786611305), (5000, 0.02, 0.03613941395325637),
        ]
        for (n, x, p) in expected {
            assertClose(KolmogorovDistribution.survival(n: n, x: x), p, "kstwo.sf(\(x), \(n))")
        }
    }

    func testChiSquareContingencyMatchesScipy() {
        let expected: [([[Double]], Double, Double, Int)] = [
            ([[10, 20, 30], [15, 15, 25]], 1.9551357733175911, 0.3762250088979317, 2),
            ([[12, 5], [7, 19]], 6.274940213939829, 0.012245725251445815, 1),
            ([[5, 9, 14, 3], [8, 2, 11, 7], [6, 6, 6, 9]], 10.758768593148414, 0.09612429077079103, 6),
            ([[1000, 2000, 50], [900, 2300, 80]], 24.792168623558933, 4.1347474324411285e-06, 2),
        ]
        for (table, statistic, p, dof) in expected {
            let chi = ChiSquareContingency(table)
            assertClose(chi.statistic, statistic, "\(table) χ²")
            assertClose(chi.pValue, p, "\(table) p")
            XCTAssertEqual(chi.degreesOfFreedom, dof)
        }
    }

    func testPSIOverReferenceDecilesMatchesNumpy() {
        let expected: [(String, Double)] = [
            ("equal50", 1.8312087837450415), ("unequal60x45", 0.37956903278877147),
            ("ties", 0.10033107963473661), ("asymp12000x3000", 0.0027975547872050996),
        ]
        for (name, psi) in expected {
            let (a, b) = Self.samples[name]!
            assertClose(PopulationStability.numeric(reference: a, current: b), psi, "\(name) PSI")
        }
        XCTAssertEqual(PopulationStability.numeric(reference: Self.samples["equal50"]!.0, current: Self.samples["equal50"]!.0), 0)
    }
}
