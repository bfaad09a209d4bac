import Foundation

/// The two-sample Kolmogorov–Smirnov test, two-sided, computed the way
/// `scipy.stats.ks_2samp(a, b)` computes it by default (`method="auto"`): the exact
/// p-value when both samples have at most 10,000 values (Hodges' lattice-path count, in
/// Viehmann's form that computes 1 − p directly; for equal sizes the closed form), else the
/// asymptotic one, the survival function of the one-sample Kolmogorov distribution for
/// n = round(n₁n₂/(n₁+n₂)) (Simard & L'Ecuyer's choice among Durbin's matrix, Pomeranz's
/// recursion, Pelz–Good and Smirnov's formula). NaNs must be removed by the caller.
public struct KolmogorovSmirnov: Sendable, Equatable {
    /// The statistic D: the largest distance between the two empirical CDFs.
    public var statistic: Double
    /// The two-sided p-value.
    public var pValue: Double
    /// Whether the exact distribution was used.
    public var exact: Bool

    /// The largest sample size for which the exact p-value is computed (as scipy's `auto`).
    public static let maxExactSize = 10_000

    /// Tests `a` against `b`; both must be non-empty.
    public init(_ a: [Double], _ b: [Double]) {
        precondition(!a.isEmpty && !b.isEmpty, "KolmogorovSmirnov needs two non-empty samples")
        let x = a.sorted(), y = b.sorted()
        let n1 = x.count, n2 = y.count
        // The largest |F1 - F2| over every observed value, with ties stepped together.
        var i = 0, j = 0
        var maxPlus = 0.0, maxMinus = 0.0
        while i < n1 || j < n2 {
            let v = Swift.min(i < n1 ? x[i] : .infinity, j < n2 ? y[j] : .infinity)
            while i < n1, x[i] <= v { i += 1 }
            while j < n2, y[j] <= v { j += 1 }
            let diff = Double(i) / Double(n1) - Double(j) / Double(n2)
            maxPlus = Swift.max(maxPlus, diff)
            maxMinus = Swift.max(maxMinus, -diff)
        }
        var d = Swift.max(maxPlus, Swift.min(1, maxMinus))
        let g = Self.gcd(n1, n2)
        var p = Double.nan
        var exact = false
        if Swift.max(n1, n2) <= Self.maxExactSize {
            let lcm = Double(n1 / g) * Double(n2)
            let h = Int((d * lcm).rounded(.toNearestOrEven))
            d = Double(h) / lcm
            if h == 0 {
                p = 1
                exact = true
            } else {
                let q = n1 == n2 ? Self.outsideSquare(n1, h) : Self.outsideInside(n1, n2, g, h)
                if q.isFinite, q >= 0, q <= 1 { p = q; exact = true }
            }
        }
        if !exact {
            let m = Double(Swift.max(n1, n2)), n = Double(Swift.min(n1, n2))
            p = KolmogorovDistribution.survival(n: Int((m * n / (m + n)).rounded(.toNearestOrEven)), x: d)
        }
        statistic = d
        pValue = Swift.min(1, Swift.max(0, p))
        self.exact = exact
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// P(D ≥ h/n) for two samples of size n: 2·Σ alternating ratios of binomials, in
    /// Horner form to avoid cancellation.
    static func outsideSquare(_ n: Int, _ h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// The share of lattice paths from (0,0) to (m,n) that leave the band
    /// |x/m − y/n| < h/lcm(m,n), computed column by column over the band's sliding window
    /// with the recursion for 1 − p (Viehmann 2021, after Hodges 1958).
    static func outsideInside(_ m0: Int, _ n0: Int, _ g: Int, _ h: Int) -> Double {
        let (m, n) = m0 >= n0 ? (m0, n0) : (n0, m0)
        let mg = m / g, ng = n / g
        var minj = 0
        var maxj = Swift.min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = Swift.min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: lenA)
        for k in minj..<maxj { a[k] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = Swift.max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = Swift.min(minj, n)
            maxj = Swift.min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (a[jj + minj - lastminj] * Double(i) + val * Double(j)) / Double(i + j)
                a[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for k in (maxj - minj)..<Swift.min(a.count, maxj - minj + (lastlen - curlen)) { a[k] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }
}
