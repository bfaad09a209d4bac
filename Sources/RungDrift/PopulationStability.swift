import Foundation

/// The population stability index: Σ (cᵢ − rᵢ)·ln(cᵢ/rᵢ) over bins, where rᵢ and cᵢ are the
/// reference's and the current data's shares of bin i, each floored at `epsilon` so an
/// empty bin counts as a small share rather than an infinite term. Numeric columns are
/// binned at the reference's deciles (edges deduplicated; the first bin is everything up to
/// the 10th percentile, the last everything above the 90th); categorical columns by category.
public enum PopulationStability {
    /// The floor of a bin's share.
    public static let epsilon = 1e-4

    /// PSI of two share vectors of the same bins.
    public static func index(reference: [Double], current: [Double]) -> Double {
        var psi = 0.0
        for (r0, c0) in zip(reference, current) {
            let r = Swift.max(r0, epsilon), c = Swift.max(c0, epsilon)
            psi += (c - r) * log(c / r)
        }
        return psi
    }

    /// The reference's decile edges (linear interpolation between order statistics, as numpy's
    /// default percentile), deduplicated.
    public static func decileEdges(_ sortedReference: [Double]) -> [Double] {
        let n = sortedReference.count
        guard n > 0 else { return [] }
        var edges: [Double] = []
        for k in 1...9 {
            let position = Double(k) / 10 * Double(n - 1)
            let lo = Int(position.rounded(.down))
            let hi = Swift.min(lo + 1, n - 1)
            let a = sortedReference[lo], b = sortedReference[hi], t = position - Double(lo)
            // numpy's lerp: from the nearer end, so the result is exact at both ends.
            let value = t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
            if edges.last != value { edges.append(value) }
        }
        return edges
    }

    /// The shares of `values` in the bins (−∞, e₁], (e₁, e₂], …, (eₖ, ∞).
    public static func shares(_ values: [Double], edges: [Double]) -> [Double] {
        var counts = [Double](repeating: 0, count: edges.count + 1)
        for v in values {
            var lo = 0, hi = edges.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if v <= edges[mid] { hi = mid } else { lo = mid + 1 }
            }
            counts[lo] += 1
        }
        let total = Double(values.count)
        return total > 0 ? counts.map { $0 / total } : counts
    }

    /// PSI of a numeric column over the reference's deciles.
    public static func numeric(reference: [Double], current: [Double]) -> Double {
        let edges = decileEdges(reference.sorted())
        return index(reference: shares(reference, edges: edges), current: shares(current, edges: edges))
    }
}
