#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Natural logarithm (libm), wrapped so the search code does not depend on Foundation.
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
/// e^x (libm).
@inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
/// The complementary error function (libm).
@inline(__always) func _erfc(_ x: Double) -> Double { erfc(x) }

/// Numerical helpers shared by the searchers and schedulers.
enum MathSupport {
    /// The standard normal cumulative distribution function.
    @inline(__always) static func normalCDF(_ z: Double) -> Double {
        0.5 * _erfc(-z / 2.0.squareRoot())
    }

    /// The linear-interpolation quantile (NumPy's default) of values sorted ascending;
    /// `q` is in [0, 1]. Infinite values are handled without producing NaN.
    static func quantile(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "quantile of an empty list")
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        let frac = pos - Double(lo)
        let a = sorted[lo], b = sorted[hi]
        if frac == 0 || a == b { return a }
        if a.isInfinite { return a }
        if b.isInfinite { return frac == 1 ? b : (b > 0 ? b : a) }
        return a + (b - a) * frac
    }
}
