import Foundation

/// Short descriptions of JSON decoding errors, naming the key path that is wrong.
enum JSONErrorText {
    /// One phrase for `error`.
    static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "the document" : "`" + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "`"
        }
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): return "\(path(ctx.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(_, let ctx): return "\(path(ctx.codingPath)) has the wrong type"
        case DecodingError.valueNotFound(_, let ctx): return "\(path(ctx.codingPath)) is null"
        case DecodingError.dataCorrupted(let ctx): return "\(path(ctx.codingPath)) is malformed (\(ctx.debugDescription))"
        default: return "\(error)"
        }
    }
}
