import Foundation

/// A value bound to a statement parameter of either SQL store (SQLite or PostgreSQL), and
/// how rung's record fields become such values.
enum SQLValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

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

    /// `column IN (?, …)` for a set of statuses (or stages), with their values in sorted order.
    static func membership<Case: RawRepresentable<String>>(_ column: String, in cases: Set<Case>) -> (sql: String, values: [SQLValue]) {
        ("\(column) IN (\(placeholders(cases.count)))", cases.map(\.rawValue).sorted().map { .text($0) })
    }

    /// `?, ?, …` with `count` placeholders (PostgreSQL numbers them when the statement runs).
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: max(count, 1)).joined(separator: ", ")
    }
}
