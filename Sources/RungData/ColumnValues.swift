/// The values of one clean column: numbers (NaN where missing) or texts stored as level
/// codes into a list of distinct texts (-1 where missing).
public enum ColumnValues: Sendable, Equatable {
    /// One number per row; NaN marks a missing value.
    case numeric([Double])
    /// One code per row into `levels`; -1 marks a missing value.
    case text(codes: [Int32], levels: [String])

    /// The number of rows.
    public var count: Int {
        switch self {
        case .numeric(let v): return v.count
        case .text(let codes, _): return codes.count
        }
    }

    /// The rows in `range`, keeping the levels as they are.
    public func slice(_ range: Range<Int>) -> ColumnValues {
        switch self {
        case .numeric(let v): return .numeric(Array(v[range]))
        case .text(let codes, let levels): return .text(codes: Array(codes[range]), levels: levels)
        }
    }

    /// The rows at `rows`, in that order, keeping the levels as they are.
    public func gather(_ rows: [Int]) -> ColumnValues {
        switch self {
        case .numeric(let v): return .numeric(rows.map { v[$0] })
        case .text(let codes, let levels): return .text(codes: rows.map { codes[$0] }, levels: levels)
        }
    }
}
