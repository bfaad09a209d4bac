/// A trial parameter's value: an integer, a real number or a string; encoded as a plain
/// JSON scalar (`3`, `0.1`, `"l2"`).
public enum ParamValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An integer value.
    case int(Int)
    /// A real value.
    case double(Double)
    /// A string value.
    case string(String)

    /// The value as a real number, if it is numeric.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .string: return nil
        }
    }

    /// The value as text, as it appears in messages and configs.
    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return "\"\(v)\""
        }
    }

    /// Decodes a JSON scalar: an integer, else a number, else a string.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int.self) { self = .int(v); return }
        if let v = try? c.decode(Double.self) { self = .double(v); return }
        self = .string(try c.decode(String.self))
    }

    /// Encodes as a plain JSON scalar.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        }
    }
}
