import Foundation

extension SQLiteDatabase.Value {
    /// A timestamp as seconds since 1970.
    static func date(_ date: Date) -> Self { .real(date.timeIntervalSince1970) }
    /// An optional timestamp (NULL when nil).
    static func date(_ date: Date?) -> Self { date.map { .real($0.timeIntervalSince1970) } ?? .null }
    /// Optional text (NULL when nil).
    static func text(_ text: String?) -> Self { text.map { .text($0) } ?? .null }
    /// An optional integer (NULL when nil).
    static func integer(_ value: Int64?) -> Self { value.map { .integer($0) } ?? .null }
    /// A count or number.
    static func int(_ value: Int) -> Self { .integer(Int64(value)) }
    /// A 64-bit seed, stored by bit pattern.
    static func seed(_ value: UInt64) -> Self { .integer(Int64(bitPattern: value)) }
}

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
