/// Synthetic learning curves whose final quality is a smooth function of the parameters,
/// so that search matters (documented in docs/search.md):
/// - `saturating`: v(e) = v₀ + (q − v₀)(1 − e^(−e/τ)), τ = max_epochs/6;
/// - `noisy`: the same plus Gaussian noise (σ = 0.02) on every epoch's value;
/// - `crossing`: better configurations learn more slowly (τ grows with q), so early
///   rankings mislead and curves cross.
/// Quality q ∈ [0.55, 0.9] for `max` (AUC-like, v₀ = 0.5); for `min` the metric is 1 − v.
public struct SyntheticCurves: LearningCurves {
    /// The curve families.
    public enum Family: String, Sendable, CaseIterable {
        /// Smooth saturating curves.
        case saturating
        /// Saturating curves with per-epoch noise.
        case noisy
        /// Curves whose early ranking differs from their final ranking.
        case crossing
    }

    /// Which family.
    public let family: Family
    /// The parameters' space (defines the smooth quality landscape).
    public let space: SearchSpace
    /// The sweep's mode (`min` turns values into 1 − v).
    public let mode: OptimizationMode
    /// The horizon the curves are scaled to.
    public let maxEpochs: Int
    private let seed: UInt64
    private let encodings: [ParameterEncoding]
    private let optimum: [Double]
    private let weights: [Double]
    private let categoryOffsets: [[Double]]

    /// Curves of `family` over `space`; `seed` places the optimum.
    public init(family: Family, space: SearchSpace, mode: OptimizationMode, maxEpochs: Int, seed: UInt64) {
        self.family = family
        self.space = space
        self.mode = mode
        self.maxEpochs = max(1, maxEpochs)
        self.seed = seed
        self.encodings = space.parameters.map { ParameterEncoding($0.domain) }
        var g = SeededGenerator(seed: seed ^ 0xC0FFEE)
        var optimum: [Double] = [], weights: [Double] = [], offsets: [[Double]] = []
        for e in encodings {
            optimum.append(g.nextUniform(0.15, 0.85))
            weights.append(g.nextUniform(0.5, 1.5))
            if case .categorical(let count) = e.kind {
                let best = g.nextIndex(count)
                offsets.append((0..<count).map { $0 == best ? 0 : g.nextUniform(0.02, 0.08) })
            } else {
                offsets.append([])
            }
        }
        self.optimum = optimum
        self.weights = weights
        self.categoryOffsets = offsets
    }

    /// The final quality q(params) in [0.55, 0.9] (higher is better).
    public func quality(_ params: [String: ParamValue]) -> Double {
        var loss = 0.0
        var dims = 0.0
        for (j, p) in space.parameters.enumerated() {
            guard let v = params[p.name] else { continue }
            switch encodings[j].kind {
            case let .numeric(low, high):
                let u = (encodings[j].toInternal(v) - low) / (high - low)
                loss += weights[j] * (u - optimum[j]) * (u - optimum[j])
                dims += 1
            case .categorical:
                let c = Int(encodings[j].toInternal(v))
                loss += categoryOffsets[j][min(max(c, 0), categoryOffsets[j].count - 1)] * 4
                dims += 1
            case .fixed:
                break
            }
        }
        let scaled = dims > 0 ? loss / dims : 0
        return 0.55 + 0.35 * _exp(-6 * scaled)
    }

    /// The metric after `epoch` epochs.
    public func value(params: [String: ParamValue], epoch: Int, trial: TrialID) -> Double {
        let q = quality(params)
        let start = 0.5
        let e = Double(epoch)
        var tau = Double(maxEpochs) / 6
        var v: Double
        switch family {
        case .saturating, .noisy:
            v = start + (q - start) * (1 - _exp(-e / tau))
        case .crossing:
            // Better configurations learn up to 5× more slowly, and fast learners start higher.
            let rank = (q - 0.55) / 0.35
            tau *= 0.4 + 2.0 * rank
            let early = 0.08 * (1 - rank) * _exp(-e / (Double(maxEpochs) / 10))
            v = start + (q - start) * (1 - _exp(-e / tau)) + early
        }
        if family == .noisy {
            var g = SeededGenerator(seed: seed &+ UInt64(truncatingIfNeeded: trial) &* 0x9E37_79B9 &+ UInt64(epoch) &* 0x85EB_CA6B)
            v += 0.02 * g.nextGaussian()
        }
        return mode == .max ? v : 1 - v
    }
}
