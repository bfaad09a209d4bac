import Foundation

/// Why a request cannot be answered: an HTTP status, a kind (the `errors_total` label)
/// and one message naming what and where (the row and field when there is one).
public struct RequestProblem: Error, Sendable, Equatable {
    /// The HTTP status: 400 malformed JSON, 413 too large, 422 a row that cannot be scored,
    /// 503 no model loaded yet.
    public var status: Int
    /// A short machine-readable kind: `bad_json`, `invalid_row`, `invalid_value`,
    /// `missing_field`, `too_large`, `bad_parameter`, `not_ready`, `internal`.
    public var kind: String
    /// The sentence for the caller.
    public var message: String
    /// The field (source column) at fault, when there is one.
    public var field: String?
    /// The row (0-based, in body order) at fault, when there is one.
    public var row: Int?

    /// Creates a problem.
    public init(status: Int, kind: String, message: String, field: String? = nil, row: Int? = nil) {
        self.status = status
        self.kind = kind
        self.message = message
        self.field = field
        self.row = row
    }

    /// The JSON body: `{"error": {"status", "kind", "message", "field"?, "row"?}}`.
    public var jsonBody: [UInt8] {
        var out = JSONText()
        out.raw("{\"error\":{\"status\":\(status),\"kind\":")
        out.string(kind)
        out.raw(",\"message\":")
        out.string(message)
        if let field { out.raw(",\"field\":"); out.string(field) }
        if let row { out.raw(",\"row\":\(row)") }
        out.raw("}}")
        return out.bytes
    }
}
