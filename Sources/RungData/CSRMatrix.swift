/// A sparse matrix in compressed-sparse-row form, the layout XGBoost's
/// `XGDMatrixCreateFromCSREx` reads without copying: row `r` holds the entries
/// `rowOffsets[r] ..< rowOffsets[r + 1]` of `columnIndices` and `values`.
public struct CSRMatrix: Sendable, Equatable {
    /// The number of rows.
    public var rowCount: Int
    /// The number of columns (stored and implicit).
    public var columnCount: Int
    /// `rowCount + 1` offsets into `columnIndices` / `values`; the first is 0.
    public var rowOffsets: [Int]
    /// Column of each stored entry, ascending within a row.
    public var columnIndices: [UInt32]
    /// Value of each stored entry.
    public var values: [Float]

    /// Creates a matrix from its three arrays; offsets must number `rowCount + 1`.
    public init(rowCount: Int, columnCount: Int, rowOffsets: [Int], columnIndices: [UInt32], values: [Float]) {
        precondition(rowOffsets.count == rowCount + 1, "CSR needs rowCount + 1 offsets")
        precondition(columnIndices.count == values.count, "CSR indices and values differ in length")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    /// The number of stored (non-implicit) entries.
    public var storedCount: Int { values.count }

    /// A dense copy, row-major; for tests and small matrices only.
    public func dense() -> [[Float]] {
        var out = Array(repeating: Array(repeating: Float(0), count: columnCount), count: rowCount)
        for r in 0..<rowCount {
            for k in rowOffsets[r]..<rowOffsets[r + 1] {
                out[r][Int(columnIndices[k])] = values[k]
            }
        }
        return out
    }
}

/// The encoded rows of one split, ready to train on: features and binary labels (0 or 1).
public struct EncodedSplit: Sendable {
    /// One row per example.
    public var features: CSRMatrix
    /// One 0/1 label per row.
    public var labels: [Float]

    /// Pairs features with their labels (one per row).
    public init(features: CSRMatrix, labels: [Float]) {
        precondition(features.rowCount == labels.count, "one label per row")
        self.features = features
        self.labels = labels
    }
}
