/// A weighted mixture of truncated Gaussian kernels over one or more numeric dimensions
/// and of smoothed categorical kernels over categorical dimensions, plus a wide prior
/// kernel: the l(x) and g(x) densities of the Tree-structured Parzen Estimator.
///
/// Every numeric dimension uses the neighbour-distance bandwidth of hyperopt and Optuna
/// (σ = the larger gap to the neighbouring observations) clipped into
/// [range/min(100, n+2), range] (Optuna's "magic clip"); the prior kernel sits at the
/// centre with σ = range. A joint estimator is a mixture of products of these kernels.
struct ParzenEstimator: Sendable {
    /// One dimension of the estimator.
    enum Dimension: Sendable {
        case numeric(low: Double, high: Double, step: Step)
        case categorical(count: Int)
    }

    /// The grid of a numeric dimension, for scoring: on a grid a kernel is scored by the
    /// probability mass of the candidate's cell under the truncated kernel (as Optuna does),
    /// not by its density.
    enum Step: Sendable, Equatable {
        /// Continuous.
        case none
        /// Cells of width h (int, quniform).
        case linear(Double)
        /// Integers in log space: the cell of v is [log(v − ½), log(v + ½)].
        case logInteger
    }

    let dims: [Dimension]
    /// Kernel count (observations plus the prior kernel).
    let kernelCount: Int
    /// Normalised kernel weights and their running sums (for sampling).
    private let weights: [Double]
    private let cumulative: [Double]
    /// Per numeric dimension (in `numericDims` order), per kernel: centre, 1/σ, σ.
    private let numericDims: [Int]
    private let mus: [[Double]]
    private let invSigmas: [[Double]]
    private let sigmas: [[Double]]
    /// Per numeric dimension: its grid (`.none` for continuous ones, scored by density).
    private let steps: [Step]
    /// Per numeric dimension on a grid: its distinct (centre, 1/σ) pairs and each kernel's
    /// index among them (equal observations of an integer share one cell-mass computation;
    /// empty for continuous dimensions).
    private let gridPairs: [[(mu: Double, inv: Double)]]
    private let gridPairOfKernel: [[Int32]]
    /// Per categorical dimension (in `categoricalDims` order), per kernel: log-probabilities (flattened k*count+c).
    private let categoricalDims: [Int]
    private let logProbs: [[Double]]
    private let probs: [[Double]]
    /// log(weight) − Σ log(σ·√(2π)·Z) per kernel (− log Z alone for dimensions on a grid).
    private let logCoefs: [Double]

    /// Builds the estimator from `columns` (one array of observed coordinates per dimension,
    /// all of length n) with per-observation `obsWeights` (not necessarily normalised).
    init(dims: [Dimension], columns: [[Double]], obsWeights: [Double], priorWeight: Double) {
        self.dims = dims
        let n = obsWeights.count
        let k = n + 1
        kernelCount = k
        var w = obsWeights + [priorWeight]
        let total = w.reduce(0, +)
        for i in w.indices { w[i] /= total }
        weights = w
        var acc = 0.0
        cumulative = w.map { acc += $0; return acc }

        var numericDims: [Int] = [], categoricalDims: [Int] = []
        var mus: [[Double]] = [], invSigmas: [[Double]] = [], sigmas: [[Double]] = [], steps: [Step] = []
        var gridPairs: [[(mu: Double, inv: Double)]] = [], gridPairOfKernel: [[Int32]] = []
        var logProbs: [[Double]] = [], probs: [[Double]] = []
        var logCoefs = w.map { _log($0) }
        let halfLog2Pi = 0.5 * _log(2 * Double.pi)

        for (d, dim) in dims.enumerated() {
            switch dim {
            case let .numeric(low, high, step):
                numericDims.append(d)
                let range = high - low
                var m = columns[d]
                m.append((low + high) / 2)
                var s = [Double](repeating: 0, count: k)
                // Neighbour distances among the sorted observations (the prior excluded), with the
                // outermost observations using their inner neighbour only. Equal observations share
                // the position of the first of them.
                if n > 0 {
                    let (sv, order) = ParzenEstimator.bucketSorted(m, count: n, low: low, high: high)
                    for pos in 0..<n {
                        let x = sv[pos]
                        let left = x - (pos > 0 ? sv[pos - 1] : low)
                        let right = (pos + 1 < n ? sv[pos + 1] : high) - x
                        var sg = max(left, right)
                        if n >= 2 {
                            if pos == 0 { sg = right } else if pos == n - 1 { sg = left }
                        }
                        s[order[pos]] = sg
                    }
                }
                let minSigma = range / min(100.0, 1.0 + Double(k))
                for i in 0..<n { s[i] = min(max(s[i], minSigma), range) }
                s[n] = range
                var inv = [Double](repeating: 0, count: k)
                var lastSigma = Double.nan, lastLogSigma = 0.0
                for i in 0..<k {
                    let se = s[i]
                    inv[i] = 1 / se
                    if se != lastSigma {
                        lastSigma = se
                        lastLogSigma = _log(se)
                    }
                    var logZ = 0.0
                    let zHigh = (high - m[i]) * inv[i], zLow = (low - m[i]) * inv[i]
                    // Kernels more than 8.5σ inside both bounds lose less than 1e-16 of their mass.
                    if zHigh < 8.5 || zLow > -8.5 {
                        logZ = _log(max(MathSupport.normalCDF(zHigh) - MathSupport.normalCDF(zLow), 1e-300))
                    }
                    // On a grid the kernel's cell mass replaces its density: no 1/(σ√2π) factor.
                    logCoefs[i] -= step == .none ? lastLogSigma + halfLog2Pi + logZ : logZ
                }
                steps.append(step)
                if step == .none {
                    gridPairs.append([])
                    gridPairOfKernel.append([])
                } else {
                    var pairs: [(mu: Double, inv: Double)] = []
                    var indexOf: [PairKey: Int32] = [:]
                    var of = [Int32](repeating: 0, count: k)
                    for i in 0..<k {
                        let key = PairKey(mu: m[i].bitPattern, inv: inv[i].bitPattern)
                        if let u = indexOf[key] {
                            of[i] = u
                        } else {
                            let u = Int32(pairs.count)
                            indexOf[key] = u
                            pairs.append((m[i], inv[i]))
                            of[i] = u
                        }
                    }
                    gridPairs.append(pairs)
                    gridPairOfKernel.append(of)
                }
                mus.append(m)
                invSigmas.append(inv)
                sigmas.append(s)
            case .categorical(let count):
                categoricalDims.append(d)
                var p = [Double](repeating: 0, count: k * count)
                let smooth = priorWeight / Double(k)
                for i in 0..<n {
                    let c = min(max(Int(columns[d][i].rounded()), 0), count - 1)
                    let rowSum = 1 + smooth * Double(count)
                    for j in 0..<count { p[i * count + j] = (smooth + (j == c ? 1 : 0)) / rowSum }
                }
                for j in 0..<count { p[n * count + j] = 1 / Double(count) }
                probs.append(p)
                logProbs.append(p.map { _log($0) })
            }
        }
        self.numericDims = numericDims
        self.categoricalDims = categoricalDims
        self.mus = mus
        self.invSigmas = invSigmas
        self.sigmas = sigmas
        self.steps = steps
        self.gridPairs = gridPairs
        self.gridPairOfKernel = gridPairOfKernel
        self.logProbs = logProbs
        self.probs = probs
        self.logCoefs = logCoefs
    }

    /// The kernels for a trace: normalised weights, and per dimension the centres and
    /// bandwidths (numeric; empty for categorical) and category probabilities (categorical,
    /// kernel-major; empty for numeric).
    func kernels() -> (weights: [Double], mus: [[Double]], sigmas: [[Double]], probs: [[Double]]) {
        var m = [[Double]](repeating: [], count: dims.count)
        var s = m, p = m
        for (a, d) in numericDims.enumerated() { m[d] = mus[a]; s[d] = sigmas[a] }
        for (a, d) in categoricalDims.enumerated() { p[d] = probs[a] }
        return (weights, m, s, p)
    }

    /// The first `count` values sorted ascending with their original positions, in expected
    /// linear time (values lie in [low, high]: one bucket per value, insertion sort inside).
    static func bucketSorted(_ values: [Double], count n: Int, low: Double, high: Double) -> ([Double], [Int]) {
        var bucketOf = [Int](repeating: 0, count: n)
        var starts = [Int](repeating: 0, count: n + 1)
        let scale = Double(n) / max(high - low, .leastNormalMagnitude)
        for i in 0..<n {
            let b = min(max(Int((values[i] - low) * scale), 0), n - 1)
            bucketOf[i] = b
            starts[b + 1] += 1
        }
        for b in 0..<n { starts[b + 1] += starts[b] }
        var fill = starts
        var sv = [Double](repeating: 0, count: n)
        var order = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let b = bucketOf[i]
            var p = fill[b]
            fill[b] += 1
            // Insertion into the bucket's sorted run (stable: equal values keep input order).
            let x = values[i]
            while p > starts[b] && sv[p - 1] > x {
                sv[p] = sv[p - 1]
                order[p] = order[p - 1]
                p -= 1
            }
            sv[p] = x
            order[p] = i
        }
        return (sv, order)
    }

    /// Draws one point: a kernel by weight, then each coordinate from that kernel.
    func sample(using rng: inout SeededGenerator) -> [Double] {
        let u = rng.nextUnit() * (cumulative.last ?? 1)
        var lo = 0, hi = kernelCount - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        let kernel = lo
        var x = [Double](repeating: 0, count: dims.count)
        for (a, d) in numericDims.enumerated() {
            guard case let .numeric(low, high, _) = dims[d] else { continue }
            let mu = mus[a][kernel], sigma = sigmas[a][kernel]
            var v = Double.nan
            for _ in 0..<64 {
                let t = mu + sigma * rng.nextGaussian()
                if t >= low && t <= high { v = t; break }
            }
            if v.isNaN { v = min(max(mu, low), high) }
            x[d] = v
        }
        for (a, d) in categoricalDims.enumerated() {
            guard case let .categorical(count) = dims[d] else { continue }
            var r = rng.nextUnit()
            var chosen = count - 1
            for j in 0..<count {
                r -= probs[a][kernel * count + j]
                if r < 0 { chosen = j; break }
            }
            x[d] = Double(chosen)
        }
        return x
    }

    /// The log-density at `x` (coordinates in `dims` order; on a grid, the log of the cell's
    /// probability mass, so `x` must lie on the grid).
    func logDensity(_ x: [Double]) -> Double {
        if dims.count == 1, numericDims.isEmpty || steps[0] == .none {
            return logDensity1D(x[0])
        }
        var terms = logCoefs
        for (a, d) in numericDims.enumerated() {
            let xv = x[d]
            mus[a].withUnsafeBufferPointer { m in
                invSigmas[a].withUnsafeBufferPointer { inv in
                    switch steps[a] {
                    case .none:
                        for i in 0..<kernelCount {
                            let z = (xv - m[i]) * inv[i]
                            terms[i] -= 0.5 * z * z
                        }
                    case .linear(let h):
                        addCellMass(a, left: xv - h / 2, right: xv + h / 2, to: &terms)
                    case .logInteger:
                        let v = _exp(xv).rounded()
                        addCellMass(a, left: _log(v - 0.5), right: _log(v + 0.5), to: &terms)
                    }
                }
            }
        }
        for (a, d) in categoricalDims.enumerated() {
            guard case let .categorical(count) = dims[d] else { continue }
            let c = min(max(Int(x[d].rounded()), 0), count - 1)
            for i in 0..<kernelCount { terms[i] += logProbs[a][i * count + c] }
        }
        var mx = -Double.infinity
        for t in terms where t > mx { mx = t }
        var sum = 0.0
        // Terms 40 nats below the largest contribute less than 1e-17 each: skip their exp.
        let floor = mx - 40
        for t in terms where t > floor { sum += _exp(t - mx) }
        return mx + _log(sum)
    }

    /// Adds to every kernel's term the log-mass of the cell [left, right] under that kernel in
    /// grid dimension `a` (computed once per distinct kernel).
    private func addCellMass(_ a: Int, left: Double, right: Double, to terms: inout [Double]) {
        let pairs = gridPairs[a]
        var mass = [Double](repeating: 0, count: pairs.count)
        for (u, p) in pairs.enumerated() {
            mass[u] = ParzenEstimator.logNormalMass((left - p.mu) * p.inv, (right - p.mu) * p.inv)
        }
        gridPairOfKernel[a].withUnsafeBufferPointer { of in
            for i in 0..<kernelCount { terms[i] += mass[Int(of[i])] }
        }
    }

    /// A (centre, 1/σ) pair compared bit for bit.
    private struct PairKey: Hashable {
        var mu: UInt64
        var inv: UInt64
    }

    /// log(Φ(b) − Φ(a)) for a < b, the standard normal mass of [a, b], computed on the side of
    /// the tail it lies in so that it keeps its precision far from the centre; −∞ once the
    /// mass underflows (more than ~38σ away).
    @inline(__always) static func logNormalMass(_ a: Double, _ b: Double) -> Double {
        let r = 0.5.squareRoot()
        if a >= 0 {
            if a > 38 { return -.infinity }
            return _log(0.5 * (_erfc(a * r) - _erfc(b * r)))
        }
        if b <= 0 {
            if b < -38 { return -.infinity }
            return _log(0.5 * (_erfc(-b * r) - _erfc(-a * r)))
        }
        return _log(1 - 0.5 * _erfc(-a * r) - 0.5 * _erfc(b * r))
    }

    /// The one-dimensional case: a direct sum, skipping kernels too far away to matter
    /// (the prior kernel always contributes, so the sum never underflows to zero).
    private func logDensity1D(_ xv: Double) -> Double {
        switch dims[0] {
        case .categorical(let count):
            let c = min(max(Int(xv.rounded()), 0), count - 1)
            var sum = 0.0
            for i in 0..<kernelCount { sum += weights[i] * probs[0][i * count + c] }
            return _log(sum)
        case .numeric:
            var mx = -Double.infinity
            var sum = 0.0
            mus[0].withUnsafeBufferPointer { m in
                invSigmas[0].withUnsafeBufferPointer { inv in
                    logCoefs.withUnsafeBufferPointer { lc in
                        // The prior kernel (last) is wide: use it as the reference scale.
                        let zp = (xv - m[kernelCount - 1]) * inv[kernelCount - 1]
                        mx = lc[kernelCount - 1] - 0.5 * zp * zp
                        for i in 0..<kernelCount {
                            let z = (xv - m[i]) * inv[i]
                            let z2 = z * z
                            if z2 > 80 { continue }
                            sum += _exp(lc[i] - 0.5 * z2 - mx)
                        }
                    }
                }
            }
            return mx + _log(sum)
        }
    }
}
