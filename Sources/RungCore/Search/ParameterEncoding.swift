/// How a searcher sees one parameter: a real interval (log-scaled for log parameters,
/// widened by half a step for integer and quantised ones) or a list of categories.
struct ParameterEncoding: Sendable {
    /// The internal shape of a parameter.
    enum Kind: Sendable, Equatable {
        case numeric(low: Double, high: Double)
        case categorical(count: Int)
        case fixed
    }

    let domain: ParameterDomain
    let kind: Kind

    init(_ domain: ParameterDomain) {
        self.domain = domain
        switch domain {
        case let .uniform(low, high):
            kind = .numeric(low: low, high: high)
        case let .loguniform(low, high):
            kind = .numeric(low: _log(low), high: _log(high))
        case let .int(low, high, log):
            if log {
                kind = .numeric(low: _log(Double(low) - 0.5), high: _log(Double(high) + 0.5))
            } else {
                kind = .numeric(low: Double(low) - 0.5, high: Double(high) + 0.5)
            }
        case let .quniform(low, high, q):
            let steps = ((high - low) / q + 1e-9).rounded(.down)
            kind = .numeric(low: low - q / 2, high: low + steps * q + q / 2)
        case .choice(let choices):
            kind = .categorical(count: choices.count)
        case .const:
            kind = .fixed
        }
    }

    /// The grid of the internal coordinate (for scoring candidates by cell mass).
    var step: ParzenEstimator.Step {
        switch domain {
        case .int(_, _, let log): return log ? .logInteger : .linear(1)
        case .quniform(_, _, let q): return .linear(q)
        default: return .none
        }
    }

    /// The internal coordinate of a value of this domain.
    func toInternal(_ v: ParamValue) -> Double {
        switch domain {
        case .uniform, .quniform:
            return v.doubleValue ?? .nan
        case .loguniform:
            return _log(v.doubleValue ?? .nan)
        case let .int(_, _, log):
            let d = v.doubleValue ?? .nan
            return log ? _log(d) : d
        case .choice(let choices):
            return Double(choices.firstIndex(where: { $0.matches(v) }) ?? 0)
        case .const:
            return 0
        }
    }

    /// The domain value nearest to internal coordinate `x` (rounded onto the grid, clamped).
    func fromInternal(_ x: Double) -> ParamValue {
        switch domain {
        case let .uniform(low, high):
            return .double(min(max(x, low), high))
        case let .loguniform(low, high):
            return .double(min(max(_exp(x), low), high))
        case let .int(low, high, log):
            let v = log ? _exp(x) : x
            guard v.isFinite else { return .int(low) }
            // Clamped as a Double first: near Int.max the rounded value may not fit an Int.
            let r = v.rounded()
            if r >= Double(high) { return .int(high) }
            if r <= Double(low) { return .int(low) }
            return .int(min(max(Int(r), low), high))
        case let .quniform(low, high, q):
            let kMax = ((high - low) / q + 1e-9).rounded(.down)
            let k = min(max(((x - low) / q).rounded(), 0), kMax)
            return .double(low + k * q)
        case .choice(let choices):
            let i = Int(x.rounded())
            return choices[min(max(i, 0), choices.count - 1)]
        case .const(let c):
            return c
        }
    }

    /// Draws a value from the prior: uniform over the internal interval or the categories.
    func sample(using rng: inout SeededGenerator) -> ParamValue {
        switch kind {
        case let .numeric(low, high):
            return fromInternal(rng.nextUniform(low, high))
        case .categorical(let count):
            return fromInternal(Double(rng.nextIndex(count)))
        case .fixed:
            return fromInternal(0)
        }
    }
}
