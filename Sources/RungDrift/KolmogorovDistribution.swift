import Foundation

/// The survival function P(Dₙ > x) of the two-sided one-sample Kolmogorov statistic, with
/// the same choice of method by n and x as scipy's `kstwo.sf` (Simard & L'Ecuyer 2011):
/// Ruben–Gambino at the ends, twice Smirnov's one-sided formula for large x, Durbin's
/// matrix (Marsaglia–Tsang–Wang) or Pomeranz's recursion for small n, Pelz–Good for large n.
public enum KolmogorovDistribution {
    static let e128 = 128
    static let ep128 = 0x1p128
    static let em128 = 0x1p-128

    /// P(Dₙ > x).
    public static func survival(n: Int, x: Double) -> Double {
        guard n > 0, !x.isNaN else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let prob: Double
            if n <= 140 {
                var p = 1.0
                for i in 1...n { p *= Double(i) * (1 / nd) * (2 * t - 1) }
                prob = p
            } else {
                prob = exp(logFactorialOverPower(nd) + nd * log(2 * t - 1))
            }
            return clip(1 - prob)
        }
        if t >= nd - 1 { return clip(2 * pow(1 - x, nd)) }
        if x >= 0.5 { return clip(2 * smirnov(n, x)) }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 { return clip(1 - durbinMatrix(n, x)) }
            if nxSquared <= 4 { return clip(1 - pomeranz(n, x)) }
            return clip(2 * smirnov(n, x))
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 { return clip(2 * smirnov(n, x)) }
        let cdf: Double
        if nxSquared >= 18 {
            cdf = 1
        } else if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 {
            cdf = durbinMatrix(n, x)
        } else {
            cdf = pelzGood(n, x)
        }
        return clip(1 - cdf)
    }

    static func clip(_ p: Double) -> Double { Swift.min(1, Swift.max(0, p)) }

    /// log(n!/nⁿ) by Stirling's series with n·log n taken out.
    static func logFactorialOverPower(_ n: Double) -> Double {
        let coefficients = [-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
                            8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
                            -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let rn = 1 / n
        var poly = 0.0
        for c in coefficients { poly = poly * (rn / n) + c }
        return log(n) / 2 - n + log(2 * Double.pi) / 2 + rn * poly
    }

    /// Smirnov's one-sided P(Dₙ⁺ ≥ e) (Birnbaum–Tingey's sum).
    static func smirnov(_ n: Int, _ e: Double) -> Double {
        guard n > 0, e >= 0, e <= 1 else { return .nan }
        if e == 0 { return 1 }
        let nd = Double(n)
        let last = Int((nd * (1 - e)).rounded(.down))
        var p = 0.0
        if n < 1013 {
            var c = 1.0
            for v in 0...last {
                let evn = e + Double(v) / nd
                p += c * pow(evn, Double(v - 1)) * pow(1 - evn, Double(n - v))
                c *= Double(n - v) / Double(v + 1)
            }
        } else {
            let lgamnp1 = logGamma(nd + 1)
            for v in 0...last {
                let evn = e + Double(v) / nd
                let omevn = 1 - evn
                if abs(omevn) > 0 {
                    let t = lgamnp1 - logGamma(Double(v + 1)) - logGamma(Double(n - v + 1))
                        + Double(v - 1) * log(evn) + Double(n - v) * log(omevn)
                    if t > -709.78 { p += exp(t) }
                }
            }
        }
        return p * e
    }

    /// P(Dₙ ≤ d) by Durbin's matrix method (Marsaglia, Tsang & Wang 2003): the k-th
    /// diagonal entry of Hⁿ scaled by n!/nⁿ, with powers of two kept apart.
    static func durbinMatrix(_ n: Int, _ d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = (1...m).map { 1 - pow(h, Double($0)) }
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] *= fac
        }
        let tt = pow(Swift.max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + tt) * fac
        var H = [Double](repeating: 0, count: m * m)
        for i in 1..<Swift.max(m, 1) {
            for r in (i - 1)..<m { H[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { H[r * m] = v[r] }
        for c in 0..<m { H[(m - 1) * m + c] = v[m - 1 - c] }
        func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: m * m)
            for i in 0..<m {
                for l in 0..<m {
                    let x = a[i * m + l]
                    if x == 0 { continue }
                    for j in 0..<m { out[i * m + j] += x * b[l * m + j] }
                }
            }
            return out
        }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        var nn = n
        var exponent = 0, hExponent = 0
        while nn > 0 {
            if nn % 2 == 1 {
                power = multiply(power, H)
                exponent += hExponent
            }
            H = multiply(H, H)
            hExponent *= 2
            if abs(H[(k - 1) * m + (k - 1)]) > ep128 {
                for i in H.indices { H[i] /= ep128 }
                hExponent += e128
            }
            nn /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < em128 {
                p *= ep128
                exponent -= e128
            }
        }
        if exponent != 0 { p = scalbn(p, exponent) }
        return clip(p)
    }

    /// The interval of non-zero entries of row `i` of Pomeranz's recursion.
    static func pomeranzBounds(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
        var j1: Int, j2: Int
        if i == 0 {
            j1 = -ll - ceilf - 1
            j2 = ll + ceilf - 1
        } else {
            let half = (i + 1) / 2, odd = (i + 1) % 2
            if odd == 0 {
                if half == n + 1 {
                    j1 = n - ll - ceilf - 1
                    j2 = n + ll + ceilf - 1
                } else {
                    j1 = half - 1 - ll - roundf - 1
                    j2 = half + ll - 1 + ceilf - 1
                }
            } else {
                j1 = half - 1 - ll - 1
                j2 = half + ll + roundf - 1
            }
        }
        return (Swift.max(j1 + 2, 0), Swift.min(j2, n))
    }

    /// P(Dₙ ≤ x) by Pomeranz's recursion (1974): rows convolved with truncated Poisson terms.
    static func pomeranz(_ n: Int, _ x: Double) -> Double {
        let nd = Double(n)
        let t = nd * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = Swift.min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let count = 2 * (ll + 1)
        var gpower = [Double](repeating: 1, count: count)
        var twoG = [Double](repeating: 1, count: count)
        var oneMinusTwoG = [Double](repeating: 1, count: count)
        for k in 1..<count {
            gpower[k] = gpower[k - 1] * (g / nd) / Double(k)
            twoG[k] = twoG[k - 1] * (2 * g / nd) / Double(k)
            oneMinusTwoG[k] = oneMinusTwoG[k - 1] * ((1 - 2 * g) / nd) / Double(k)
        }
        var v0 = [Double](repeating: 0, count: count)
        var v1 = [Double](repeating: 0, count: count)
        v1[0] = 1
        var v0s = 0, v1s = 0
        var exponent = 0
        var (j1, _) = pomeranzBounds(0, n, ll, ceilf, roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0s, &v1s)
            for z in v1.indices { v1[z] = 0 }
            let bounds = pomeranzBounds(i, n, ll, ceilf, roundf)
            j1 = bounds.0
            let j2 = bounds.1
            let powers = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 == 1 ? twoG : oneMinusTwoG)
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                // conv = convolve(v0[k1 - v0s ..< k1 - v0s + ln2], powers[..<ln2]); keep
                // conv[j1 - k1 ..< j1 - k1 + (j2 - j1 + 1)].
                let start = k1 - v0s
                let segment = (0..<ln2).map { start + $0 < v0.count && start + $0 >= 0 ? v0[start + $0] : 0 }
                let convStart = j1 - k1, convLength = j2 - j1 + 1
                for out in 0..<Swift.max(0, convLength) {
                    let idx = convStart + out
                    var s = 0.0
                    for a in 0..<ln2 {
                        let b = idx - a
                        if b >= 0, b < ln2 { s += segment[a] * powers[b] }
                    }
                    v1[out] = s
                }
                let top = v1.max() ?? 0
                if top > 0, top < em128 {
                    for z in v1.indices { v1[z] *= ep128 }
                    exponent -= e128
                }
                v1s = v0s + j1 - k1
            }
        }
        var answer = v1[n - v1s]
        for k in 1...n {
            if abs(answer) > ep128 {
                answer *= em128
                exponent += e128
            }
            answer *= Double(k)
        }
        if exponent != 0 { answer = scalbn(answer, exponent) }
        return clip(answer)
    }

    /// P(Dₙ ≤ x) by the Pelz–Good expansion (1976) in powers of 1/√n.
    static func pelzGood(_ n: Int, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let z = Double(n).squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)
        var K = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
                let qpower = pow(q, Double(8 * k))
                let coefficients = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
                for i in 0..<4 { K[i] = K[i] * qpower + coefficients[i] }
            }
        }
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { K[i] = K[i] * q * sqrt2pi / divisors[i] }
        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0, k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let kk = Double(k * k)
                let qp = pow(q, kk)
                k2extra += kk * qp
                let kspi = Double.pi * Double(k)
                k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * kk * qp
            }
        }
        K[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        K[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        var sum = 0.0
        for i in 0..<4 { sum += K[i] / pow(Double(n), Double(i) / 2) }
        return sum
    }
}
