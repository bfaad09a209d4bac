/// One parameter value of a trial: what the searcher suggests and the trainer receives.
public enum ParamValue: Sendable, Hashable, CustomStringConvertible {
    /// An integer (from `int` parameters, or an integer `choice`/`const`).
    case int(Int)
    /// A real number (from `uniform`, `loguniform`, `quniform`).
    case double(Double)
    /// A string (usually a `choice`).
    case string(String)
    /// A boolean (a `choice` or `const`).
    case bool(Bool)

    /// The value as a real number, if it is numeric.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string, .bool: return nil
        }
    }

    /// The value as it would be written in YAML or JSON (strings unquoted).
    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// The value as a JSON literal (strings quoted and escaped; non-finite numbers as null).
    public var jsonLiteral: String {
        switch self {
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? String(d) : "null"
        case .string(let s): return JSONText.quote(s)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// Whether two values denote the same thing (an int and a double are equal when numerically equal).
    public func matches(_ other: ParamValue) -> Bool {
        if let a = doubleValue, let b = other.doubleValue { return a == b }
        return self == other
    }
}
