import Foundation

/// The rows of a `POST /predict` body: one JSON object, or a JSON array of objects, whose
/// members are the source CSV's columns with scalar values. Each value is kept as the text
/// it stands for (a number's own digits, a string's decoded characters, `null` as missing),
/// so the rows become a CSV that `rung predict` would read the same way.
///
/// Malformed JSON is a `RequestProblem` with status 400 naming the byte offset; a row that
/// is not an object, or a value that is an object or array, is a 422 naming the row and field.
public struct RequestRows: Sendable {
    /// One value of a row.
    public enum Value: Sendable, Equatable {
        /// A JSON number, as written.
        case number(String)
        /// A JSON string, decoded.
        case string(String)
        /// `true` or `false`.
        case bool(Bool)
        /// `null`: a missing value.
        case null
    }

    /// The rows in body order; each row's members in body order.
    public var rows: [[(name: String, value: Value)]]
    /// Whether the body was a single object (the answer is then one object, not an array).
    public var single: Bool

    /// Rows already in hand.
    public init(rows: [[(name: String, value: Value)]], single: Bool = false) {
        self.rows = rows
        self.single = single
    }

    /// Parses a request body.
    public init(parsing body: [UInt8]) throws {
        var parser = Parser(bytes: body)
        parser.skipSpace()
        guard parser.position < body.count else {
            throw RequestProblem(status: 400, kind: "bad_json", message: "the body is empty; send a JSON object or an array of objects")
        }
        var rows: [[(name: String, value: Value)]] = []
        if body[parser.position] == UInt8(ascii: "[") {
            single = false
            parser.position += 1
            parser.skipSpace()
            if parser.peek() == UInt8(ascii: "]") {
                parser.position += 1
            } else {
                while true {
                    parser.skipSpace()
                    rows.append(try parser.row(index: rows.count))
                    parser.skipSpace()
                    let c = try parser.next("`,` or `]` after row \(rows.count - 1)")
                    if c == UInt8(ascii: "]") { break }
                    guard c == UInt8(ascii: ",") else { throw parser.malformed("expected `,` or `]` after row \(rows.count - 1)", at: parser.position - 1) }
                }
            }
        } else {
            single = true
            rows.append(try parser.row(index: 0))
        }
        parser.skipSpace()
        guard parser.position == body.count else {
            throw parser.malformed("unexpected text after the JSON value", at: parser.position)
        }
        self.rows = rows
    }

    /// A JSON reader over bytes for this one shape.
    struct Parser {
        let bytes: [UInt8]
        var position = 0

        func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func next(_ expected: String) throws -> UInt8 {
            guard position < bytes.count else { throw malformed("the body ends where \(expected) was expected", at: position) }
            defer { position += 1 }
            return bytes[position]
        }

        func malformed(_ what: String, at offset: Int) -> RequestProblem {
            RequestProblem(status: 400, kind: "bad_json", message: "malformed JSON at byte \(offset): \(what)")
        }

        mutating func row(index: Int) throws -> [(name: String, value: Value)] {
            guard peek() == UInt8(ascii: "{") else {
                if peek() == nil { throw malformed("the body ends where row \(index) was expected", at: position) }
                let start = position
                try skipValue()
                let text = String(decoding: bytes[start..<min(position, start + 40)], as: UTF8.self)
                throw RequestProblem(status: 422, kind: "invalid_row", message: "row \(index) is `\(text)`, not a JSON object of column values", row: index)
            }
            position += 1
            var members: [(name: String, value: Value)] = []
            skipSpace()
            if peek() == UInt8(ascii: "}") { position += 1; return members }
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else { throw malformed("expected a member name in row \(index)", at: position) }
                let name = try string()
                skipSpace()
                guard try next("`:`") == UInt8(ascii: ":") else { throw malformed("expected `:` after \"\(name)\" in row \(index)", at: position - 1) }
                skipSpace()
                let value = try scalar(row: index, field: name)
                members.append((name, value))
                skipSpace()
                let c = try next("`,` or `}` in row \(index)")
                if c == UInt8(ascii: "}") { return members }
                guard c == UInt8(ascii: ",") else { throw malformed("expected `,` or `}` in row \(index)", at: position - 1) }
            }
        }

        mutating func scalar(row: Int, field: String) throws -> Value {
            guard let c = peek() else { throw malformed("the body ends where the value of \"\(field)\" was expected", at: position) }
            switch c {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try skipValue()
                throw RequestProblem(status: 422, kind: "invalid_value",
                                     message: "row \(row), field `\(field)`: an object or array is not a column value (send a number, a string or null)",
                                     field: field, row: row)
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard position + w.count <= bytes.count, Array(bytes[position..<position + w.count]) == w else {
                throw malformed("expected `\(word)`", at: position)
            }
            position += w.count
        }

        mutating func number() throws -> String {
            let start = position
            if peek() == UInt8(ascii: "-") { position += 1 }
            func digits() -> Int {
                let s = position
                while let c = peek(), c >= 0x30, c <= 0x39 { position += 1 }
                return position - s
            }
            guard let first = peek(), first >= 0x30, first <= 0x39 else { throw malformed("expected a value", at: start) }
            if first == 0x30 { position += 1 } else { _ = digits() }
            if peek() == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw malformed("expected digits after `.`", at: position) }
            }
            if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                position += 1
                if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw malformed("expected digits in the exponent", at: position) }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func string() throws -> String {
            let start = position
            position += 1
            var out: [UInt8] = []
            while true {
                guard position < bytes.count else { throw malformed("unterminated string", at: start) }
                let c = bytes[position]
                position += 1
                if c == UInt8(ascii: "\"") { break }
                if c < 0x20 { throw malformed("a control character inside a string", at: position - 1) }
                guard c == UInt8(ascii: "\\") else { out.append(c); continue }
                guard position < bytes.count else { throw malformed("unterminated string", at: start) }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "\\"): out.append(e)
                case UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw malformed("a lone surrogate in a \\u escape", at: position)
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw malformed("a lone surrogate in a \\u escape", at: position) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw malformed("an invalid \\u escape", at: position) }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw malformed("an invalid escape `\\\(Character(Unicode.Scalar(e)))`", at: position - 1)
                }
            }
            guard let text = String(validating: out, as: UTF8.self) else { throw malformed("a string that is not UTF-8", at: start) }
            return text
        }

        mutating func hex4() throws -> UInt32 {
            guard position + 4 <= bytes.count else { throw malformed("a short \\u escape", at: position) }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                position += 1
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw malformed("a bad hex digit in a \\u escape", at: position - 1)
                }
                v = v * 16 + d
            }
            return v
        }

        /// Skips any JSON value (used only to name or step over a value that is refused).
        mutating func skipValue() throws {
            guard let c = peek() else { throw malformed("expected a value", at: position) }
            switch c {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                position += 1
                skipSpace()
                if peek() == close { position += 1; return }
                while true {
                    skipSpace()
                    if c == UInt8(ascii: "{") {
                        guard peek() == UInt8(ascii: "\"") else { throw malformed("expected a member name", at: position) }
                        _ = try string()
                        skipSpace()
                        guard try next("`:`") == UInt8(ascii: ":") else { throw malformed("expected `:`", at: position - 1) }
                        skipSpace()
                    }
                    try skipValue()
                    skipSpace()
                    let n = try next("`,` or a closing bracket")
                    if n == close { return }
                    guard n == UInt8(ascii: ",") else { throw malformed("expected `,` or a closing bracket", at: position - 1) }
                }
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: _ = try number()
            }
        }
    }
}
