/// The set of values one parameter may take, as written in a sweep config or ask-tell `init`.
public enum ParameterDomain: Sendable, Equatable {
    /// A real number uniform in [low, high].
    case uniform(low: Double, high: Double)
    /// A real number whose logarithm is uniform in [log low, log high]; 0 < low < high.
    case loguniform(low: Double, high: Double)
    /// An integer in low...high (inclusive), uniform or (with `log`) log-uniform.
    case int(low: Int, high: Int, log: Bool)
    /// A real number on the grid low + k·q inside [low, high].
    case quniform(low: Double, high: Double, q: Double)
    /// One of a fixed list of values.
    case choice([ParamValue])
    /// A fixed value that is passed to the trainer but never searched.
    case const(ParamValue)

    /// The config name of this type (`uniform`, `loguniform`, …).
    public var typeName: String {
        switch self {
        case .uniform: return "uniform"
        case .loguniform: return "loguniform"
        case .int: return "int"
        case .quniform: return "quniform"
        case .choice: return "choice"
        case .const: return "const"
        }
    }

    /// Whether `value` lies in this domain.
    public func contains(_ value: ParamValue) -> Bool {
        switch self {
        case let .uniform(low, high), let .loguniform(low, high):
            guard let d = value.doubleValue else { return false }
            return d >= low && d <= high
        case let .int(low, high, _):
            guard case .int(let i) = value else { return false }
            return i >= low && i <= high
        case let .quniform(low, high, q):
            guard let d = value.doubleValue, d >= low - 1e-9 * q, d <= high + 1e-9 * q else { return false }
            let k = ((d - low) / q).rounded()
            return abs(low + k * q - d) <= 1e-9 * max(1, abs(d))
        case .choice(let choices):
            return choices.contains { $0.matches(value) }
        case .const(let c):
            return c.matches(value)
        }
    }

    /// Checks the bounds; returns a description of the problem, or nil when valid.
    public func validationProblem() -> String? {
        switch self {
        case let .uniform(low, high):
            if !low.isFinite || !high.isFinite { return "bounds must be finite numbers" }
            if low > high { return "low (\(low)) is greater than high (\(high))" }
            if low == high { return "the range [\(low), \(high)] is empty; use type const for a fixed value" }
            if !(high - low).isFinite { return "the range [\(low), \(high)] is too wide: high - low must be a finite number" }
        case let .loguniform(low, high):
            if !low.isFinite || !high.isFinite { return "bounds must be finite numbers" }
            if low <= 0 || high <= 0 { return "loguniform bounds must be positive (low \(low), high \(high))" }
            if low > high { return "low (\(low)) is greater than high (\(high))" }
            if low == high { return "the range [\(low), \(high)] is empty; use type const for a fixed value" }
        case let .int(low, high, log):
            if low > high { return "low (\(low)) is greater than high (\(high))" }
            if low == high { return "the range [\(low), \(high)] is empty; use type const for a fixed value" }
            if log && low < 1 { return "an int parameter with log: true needs low >= 1 (low \(low))" }
        case let .quniform(low, high, q):
            if !low.isFinite || !high.isFinite || !q.isFinite { return "bounds and q must be finite numbers" }
            if q <= 0 { return "q must be positive (q \(q))" }
            if low > high { return "low (\(low)) is greater than high (\(high))" }
            if low == high { return "the range [\(low), \(high)] is empty; use type const for a fixed value" }
            if !(high - low).isFinite { return "the range [\(low), \(high)] is too wide: high - low must be a finite number" }
            if q > high - low { return "q (\(q)) is larger than the range [\(low), \(high)]" }
            if !((high - low) / q).isFinite { return "q (\(q)) is too small for the range [\(low), \(high)]: (high - low) / q must be a finite number" }
        case .choice(let choices):
            if choices.isEmpty { return "choices must not be empty" }
            for (i, c) in choices.enumerated() where choices[..<i].contains(where: { $0.matches(c) }) {
                return "choice \(c) appears twice"
            }
        case .const:
            break
        }
        return nil
    }
}
