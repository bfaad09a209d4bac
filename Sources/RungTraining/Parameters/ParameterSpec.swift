import RungCore

/// One parameter a trainer family accepts: its canonical name, accepted aliases, type,
/// allowed values and default.
public struct ParameterSpec: Sendable, Hashable {
    /// The type and allowed values of a parameter.
    public enum Kind: Sendable, Hashable {
        /// An integer within a range (an integral real such as `5.0` is accepted).
        case int(ParameterRange)
        /// A real number within a range (an integer is accepted).
        case double(ParameterRange)
        /// One of a fixed set of strings.
        case choice([String])
    }

    /// The canonical name, used in stored configs and messages.
    public var name: String
    /// Other names accepted for the same parameter (e.g. XGBoost's `eta` for `learning_rate`).
    public var aliases: [String]
    /// Type and allowed values.
    public var kind: Kind
    /// The value used when the parameter is not given; nil leaves it absent (optional parameters).
    public var defaultValue: ParamValue?
    /// One sentence saying what the parameter does.
    public var help: String

    /// A parameter specification.
    public init(_ name: String, aliases: [String] = [], _ kind: Kind, default defaultValue: ParamValue?, help: String) {
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    /// The allowed values as text, for messages: `[1, 30]`, `one of l1, l2`.
    public var allowedDescription: String {
        switch kind {
        case .int(let r): return "an integer in \(r)"
        case .double(let r): return "a number in \(r)"
        case .choice(let c): return "one of " + c.joined(separator: ", ")
        }
    }

    /// Checks `value` against this spec and returns it in canonical form (`.int` for
    /// integers, `.double` for reals); throws `RungError.badInput` naming the family,
    /// the parameter, the value and the allowed range.
    public func validate(_ value: ParamValue, family: String, givenAs givenName: String) throws -> ParamValue {
        func reject() -> RungError {
            let alias = givenName == name ? "" : " (alias of \(name))"
            return RungError.badInput(
                "Parameter '\(givenName)'\(alias) of family \(family) is \(value), but must be \(allowedDescription).")
        }
        switch kind {
        case .int(let range):
            guard let x = value.doubleValue, x == x.rounded(), range.contains(x), abs(x) < 9e15 else { throw reject() }
            return .int(Int(x))
        case .double(let range):
            guard let x = value.doubleValue, range.contains(x) else { throw reject() }
            return .double(x)
        case .choice(let choices):
            guard case .string(let s) = value, choices.contains(s) else { throw reject() }
            return .string(s)
        }
    }

    /// Resolves user parameters against a schema: maps aliases to canonical names, checks
    /// every value, fills defaults (optional parameters without a default stay absent). Unknown names, out-of-range values and a parameter given
    /// twice (under two names) are `RungError.badInput` naming the parameter.
    public static func resolve(_ params: [String: ParamValue], schema: [ParameterSpec], family: String) throws -> [String: ParamValue] {
        var byName: [String: ParameterSpec] = [:]
        for spec in schema {
            byName[spec.name] = spec
            for alias in spec.aliases { byName[alias] = spec }
        }
        var resolved: [String: ParamValue] = [:]
        var givenAs: [String: String] = [:]
        for key in params.keys.sorted() {
            let value = params[key]!
            guard let spec = byName[key] else {
                let known = schema.map { spec in
                    spec.aliases.isEmpty ? spec.name : "\(spec.name) (\(spec.aliases.joined(separator: ", ")))"
                }.joined(separator: ", ")
                throw RungError.badInput("Unknown parameter '\(key)' = \(value) for family \(family); known parameters: \(known).")
            }
            if let other = givenAs[spec.name] {
                throw RungError.badInput("Parameter '\(key)' of family \(family) is given twice, also as '\(other)'.")
            }
            givenAs[spec.name] = key
            resolved[spec.name] = try spec.validate(value, family: family, givenAs: key)
        }
        for spec in schema where resolved[spec.name] == nil {
            if let value = spec.defaultValue { resolved[spec.name] = value }
        }
        return resolved
    }
}
