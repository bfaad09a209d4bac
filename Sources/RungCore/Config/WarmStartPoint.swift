/// The parameters of an earlier model (e.g. the production version) fitted into a family's
/// current search space, so they can be evaluated as a warm-start trial.
///
/// Numeric values outside their range are clipped (and snapped to the grid for `int` and
/// `quniform`); a value that cannot be used at all (a choice that no longer exists, a text for
/// a number) makes the point unusable. A parameter the space gained gets the middle of its
/// range; parameters the space no longer has are dropped. Every change is described in `notes`.
public struct WarmStartPoint: Sendable, Equatable {
    /// The fitted parameters, valid in the space; nil when the point cannot be used.
    public var params: [String: ParamValue]?
    /// One sentence per change made (or the reason the point cannot be used).
    public var notes: [String]

    /// Creates a point from its parts.
    public init(params: [String: ParamValue]?, notes: [String]) {
        self.params = params
        self.notes = notes
    }

    /// Fits `given` into `space`. Keys in `ignoring` (e.g. a family's `epoch:` settings,
    /// which are recorded with a trial's parameters) are dropped silently.
    public static func fit(_ given: [String: ParamValue], to space: SearchSpace, ignoring: Set<String> = []) -> WarmStartPoint {
        var params: [String: ParamValue] = [:]
        var notes: [String] = []
        for p in space.parameters {
            guard space.isActive(p, in: params) else {
                if given[p.name] != nil {
                    notes.append("\(p.name) is inactive under the space's when-conditions; dropped")
                }
                continue
            }
            guard let value = given[p.name] else {
                let middle = Self.middle(of: p.domain)
                if case .const = p.domain {} else {
                    notes.append("\(p.name) is new in the space; using the middle of its range, \(middle)")
                }
                params[p.name] = middle
                continue
            }
            switch Self.fit(value, to: p.domain) {
            case .same(let v):
                params[p.name] = v
            case .changed(let v, let why):
                params[p.name] = v
                notes.append("\(p.name) = \(value) \(why); using \(v)")
            case .unusable(let why):
                notes.append("\(p.name) = \(value) \(why); the warm start is skipped")
                return WarmStartPoint(params: nil, notes: notes)
            }
        }
        for key in given.keys.sorted() where space.index(of: key) == nil && !ignoring.contains(key) {
            notes.append("\(key) is not in the space; dropped")
        }
        return WarmStartPoint(params: params, notes: notes)
    }

    private enum Fitted {
        case same(ParamValue)
        case changed(ParamValue, String)
        case unusable(String)
    }

    private static func fit(_ value: ParamValue, to domain: ParameterDomain) -> Fitted {
        switch domain {
        case let .uniform(low, high), let .loguniform(low, high):
            guard let d = value.doubleValue, d.isFinite else { return .unusable("is not a number") }
            let c = min(max(d, low), high)
            return c == d ? .same(.double(d)) : .changed(.double(c), outside(low, high))
        case let .int(low, high, _):
            guard let d = value.doubleValue, d.isFinite else { return .unusable("is not a number") }
            let r = d.rounded()
            let c = min(max(r, Double(low)), Double(high))
            if c == d { return .same(.int(Int(c))) }
            return .changed(.int(Int(c)), c == r ? "is not an integer" : outside(Double(low), Double(high)))
        case let .quniform(low, high, q):
            guard let d = value.doubleValue, d.isFinite else { return .unusable("is not a number") }
            var k = ((min(max(d, low), high) - low) / q).rounded()
            if low + k * q > high + 1e-9 * q { k -= 1 }
            let c = low + k * q
            if abs(c - d) <= 1e-9 * max(1, abs(d)) { return .same(.double(c)) }
            return .changed(.double(c), d < low || d > high ? outside(low, high) : "is not on the grid \(low) + k·\(q)")
        case .choice(let choices):
            guard let match = choices.first(where: { $0.matches(value) }) else {
                return .unusable("is not one of the choices \(choices.map(\.description).joined(separator: ", "))")
            }
            return .same(match)
        case .const(let c):
            return c.matches(value) ? .same(c) : .changed(c, "differs from the constant")
        }
    }

    private static func outside(_ low: Double, _ high: Double) -> String {
        "is outside [\(low), \(high)]"
    }

    /// The middle of a domain in its own scale (geometric for log scales; the first choice).
    static func middle(of domain: ParameterDomain) -> ParamValue {
        switch domain {
        case let .uniform(low, high):
            return .double((low + high) / 2)
        case let .loguniform(low, high):
            return .double((low * high).squareRoot())
        case let .int(low, high, log):
            let m = log ? (Double(low) * Double(high)).squareRoot() : (Double(low) + Double(high)) / 2
            return .int(min(max(Int(m.rounded()), low), high))
        case let .quniform(low, high, q):
            let k = (((high - low) / 2) / q).rounded(.down)
            return .double(low + k * q)
        case .choice(let choices):
            return choices[0]
        case .const(let c):
            return c
        }
    }
}
