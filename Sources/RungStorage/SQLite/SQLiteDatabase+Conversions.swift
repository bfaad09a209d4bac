import Foundation

extension SQLiteDatabase.Row {
    /// A timestamp column.
    func date(_ column: Int32) -> Date { Date(timeIntervalSince1970: double(column)) }
    /// An optional timestamp column.
    func optionalDate(_ column: Int32) -> Date? { optionalDouble(column).map { Date(timeIntervalSince1970: $0) } }
    /// A seed column.
    func seed(_ column: Int32) -> UInt64 { UInt64(bitPattern: int64(column)) }
    /// An integer column as `Int`.
    func int(_ column: Int32) -> Int { Int(int64(column)) }
}
