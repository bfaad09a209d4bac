import Foundation

extension PostgresConnection.Value {
    /// The value as PostgreSQL's text input form, or nil for NULL.
    var wireText: String? {
        switch self {
        case .null: return nil
        case .integer(let v): return String(v)
        case .real(let v):
            if v.isNaN { return "NaN" }
            if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
            return "\(v)"
        case .text(let v): return v
        }
    }
}
