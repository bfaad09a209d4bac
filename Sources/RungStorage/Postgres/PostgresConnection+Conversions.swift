import Foundation

extension PostgresConnection.Value {
    /// The value as PostgreSQL's text input form, or nil for NULL.
    var wireText: String? {
        switch self {
        case .null: return nil
        case .integer(let v): return String(v)
        case .real(let v):
            if v.isNaN { return "NaN" }
            if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
            return "\(v)"
        case .text(let v): return v
        }
    }

    /// Bytes as lowercase hex, for `decode(?, 'hex')` into a BYTEA column.
    static func hex(_ text: String) -> Self {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count * 2)
        for byte in text.utf8 {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return .text(String(decoding: out, as: UTF8.self))
    }
}

extension PostgresConnection.Row {
    /// A column written by `encode(bytea, 'hex')`, decoded back to text.
    func hexText(_ column: Int32) -> String {
        let hex = Array(text(column).utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(hex.count / 2)
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return c &- UInt8(ascii: "A") &+ 10
            }
        }
        var index = 0
        while index + 1 < hex.count {
            bytes.append(nibble(hex[index]) << 4 | nibble(hex[index + 1]))
            index += 2
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
