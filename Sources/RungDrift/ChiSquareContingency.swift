import Foundation

/// Pearson's chi-square test of independence on a contingency table, computed as
/// `scipy.stats.chi2_contingency(table)` computes it by default: expected counts from the
/// margins, degrees of freedom Π(dᵢ) − Σ(dᵢ) + ndim − 1, Yates' continuity correction when
/// there is one degree of freedom, and the p-value the chi-square survival function.
public struct ChiSquareContingency: Sendable, Equatable {
    /// The statistic.
    public var statistic: Double
    /// The p-value.
    public var pValue: Double
    /// The degrees of freedom.
    public var degreesOfFreedom: Int

    /// Tests `table` (rows × columns of counts). A row or column whose counts are all zero
    /// must be left out by the caller (its expected counts would be zero).
    public init(_ table: [[Double]]) {
        let rows = table.count, columns = table.first?.count ?? 0
        let rowSums = table.map { $0.reduce(0, +) }
        var columnSums = [Double](repeating: 0, count: columns)
        for row in table { for (c, v) in row.enumerated() { columnSums[c] += v } }
        let total = rowSums.reduce(0, +)
        let dof = rows * columns - (rows + columns) + 1
        degreesOfFreedom = Swift.max(0, dof)
        guard dof > 0, total > 0 else {
            statistic = 0
            pValue = 1
            return
        }
        var chi2 = 0.0
        for r in 0..<rows {
            for c in 0..<columns {
                let expected = rowSums[r] * columnSums[c] / total
                var observed = table[r][c]
                if dof == 1 {
                    let diff = expected - observed
                    let direction: Double = diff > 0 ? 1 : (diff < 0 ? -1 : 0)
                    observed += Swift.min(0.5, abs(diff)) * direction
                }
                chi2 += (observed - expected) * (observed - expected) / expected
            }
        }
        statistic = chi2
        pValue = Gamma.upperRegularized(Double(dof) / 2, chi2 / 2)
    }
}

/// The regularized incomplete gamma functions.
public enum Gamma {
    /// Q(a, x) = Γ(a, x)/Γ(a): the series for P below a + 1, Lentz's continued fraction for Q above.
    public static func upperRegularized(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x < a + 1 { return 1 - lowerSeries(a, x) }
        return upperFraction(a, x)
    }

    static func prefactor(_ a: Double, _ x: Double) -> Double {
        exp(a * log(x) - x - logGamma(a))
    }

    static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a, sum = term, ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * prefactor(a, x)
    }

    static func upperFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-17 { break }
        }
        return h * prefactor(a, x)
    }
}
