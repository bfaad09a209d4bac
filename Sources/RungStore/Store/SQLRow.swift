import Foundation

/// One result row of either SQL store, read by column index: the four reads each database
/// answers its own way, and how rung's record fields are read from them.
protocol SQLRow {
    /// Whether the column holds SQL NULL.
    func isNull(_ column: Int32) -> Bool
    /// The column as a 64-bit integer (0 for NULL).
    func int64(_ column: Int32) -> Int64
    /// The column as a double (0 for NULL).
    func double(_ column: Int32) -> Double
    /// The column as text ("" for NULL).
    func text(_ column: Int32) -> String
}

extension SQLRow {
    /// The column as an integer, or nil for NULL.
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    /// The column as a double, or nil for NULL.
    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    /// The column as text, or nil for NULL.
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    /// An integer column as `Int`.
    func int(_ column: Int32) -> Int { Int(int64(column)) }
    /// A timestamp column (seconds since 1970).
    func date(_ column: Int32) -> Date { Date(timeIntervalSince1970: double(column)) }
    /// An optional timestamp column.
    func optionalDate(_ column: Int32) -> Date? { optionalDouble(column).map { Date(timeIntervalSince1970: $0) } }
    /// A seed column (stored by bit pattern).
    func seed(_ column: Int32) -> UInt64 { UInt64(bitPattern: int64(column)) }
}
