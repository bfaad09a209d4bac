/// Rows after a recipe has been applied: id, feature and target columns with typed
/// values, plus the source line of every row and the lines of rows that were skipped.
public struct CleanTable: Sendable, Equatable {
    /// The file the rows came from, for messages.
    public var sourceName: String
    /// The columns, in output order (the target, if any, last).
    public var columns: [CleanColumn]
    /// The 1-based source line each row started on.
    public var lines: [Int]
    /// Lines of rows that could not be read and were skipped (only when skipping was asked for).
    public var skippedLines: [Int]

    /// Creates a table; every column must have `lines.count` rows (lines default to 2, 3, …).
    public init(sourceName: String = "table", columns: [CleanColumn], lines: [Int]? = nil, skippedLines: [Int] = []) {
        let rows = columns.first?.values.count ?? (lines?.count ?? 0)
        precondition(columns.allSatisfy { $0.values.count == rows }, "every column needs the same number of rows")
        self.sourceName = sourceName
        self.columns = columns
        self.lines = lines ?? Array(2 ..< 2 + rows)
        precondition(self.lines.count == rows, "one line number per row")
        self.skippedLines = skippedLines
    }

    /// The number of rows.
    public var rowCount: Int { lines.count }

    /// The number of rows skipped because they could not be read.
    public var skippedRowCount: Int { skippedLines.count }

    /// The column named `name`.
    public func column(named name: String) -> CleanColumn? { columns.first { $0.name == name } }

    /// The id columns, in order.
    public var idColumns: [CleanColumn] { columns.filter { $0.role == .id } }

    /// The target column, if the table has one.
    public var targetColumn: CleanColumn? { columns.first { $0.role == .target } }

    /// The 0/1 labels of the target column, or nil without one (missing labels become NaN).
    public var labels: [Float]? {
        guard let t = targetColumn, case .numeric(let v) = t.values else { return nil }
        return v.map { Float($0) }
    }

    /// The rows in `range`, as a new table.
    public func slice(_ range: Range<Int>) -> CleanTable {
        CleanTable(sourceName: sourceName,
                   columns: columns.map { CleanColumn(name: $0.name, role: $0.role, values: $0.values.slice(range)) },
                   lines: Array(lines[range]), skippedLines: [])
    }

    /// The rows at `rows`, in that order, as a new table.
    public func gather(_ rows: [Int]) -> CleanTable {
        CleanTable(sourceName: sourceName,
                   columns: columns.map { CleanColumn(name: $0.name, role: $0.role, values: $0.values.gather(rows)) },
                   lines: rows.map { lines[$0] }, skippedLines: skippedLines)
    }
}
