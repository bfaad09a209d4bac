import Foundation

/// The text form of a metrics dictionary in the store: a JSON object with sorted keys in
/// which finite values are JSON numbers (shortest form that reads back to the same
/// `Double`) and non-finite values are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`,
/// so every value round-trips bit for bit (NaN as NaN).
public enum MetricsJSON {
    /// Encodes metrics as a JSON object.
    public static func encode(_ metrics: [String: Double]) -> String {
        var out = "{"
        var first = true
        for key in metrics.keys.sorted() {
            if !first { out += "," }
            first = false
            out += quote(key) + ":" + number(metrics[key]!)
        }
        return out + "}"
    }

    /// Decodes a JSON object written by `encode` (or any object of numbers, nulls and the
    /// three non-finite strings; null reads as NaN). Numbers are read with Swift's exact
    /// `Double(String)`, so every finite value comes back bit for bit.
    public static func decode(_ text: String, context: String) throws -> [String: Double] {
        var parser = Parser(bytes: Array(text.utf8))
        guard let result = parser.object(), parser.atEnd else {
            throw RungError.badInput("\(context): metrics are not a JSON object of numbers: \(text.prefix(80))")
        }
        return result
    }

    /// A parser for the one JSON shape metrics use: `{"name": number | "NaN" | null, …}`.
    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool {
            mutating get { skipSpace(); return index == bytes.count }
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func object() -> [String: Double]? {
            guard consume(UInt8(ascii: "{")) else { return nil }
            var result: [String: Double] = [:]
            if consume(UInt8(ascii: "}")) { return result }
            repeat {
                skipSpace()
                guard let key = string(), consume(UInt8(ascii: ":")), let value = value() else { return nil }
                result[key] = value
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}")) ? result : nil
        }

        mutating func value() -> Double? {
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                switch string() {
                case "NaN": return .nan
                case "Infinity": return .infinity
                case "-Infinity": return -.infinity
                default: return nil
                }
            }
            if bytes[index...].starts(with: Array("null".utf8)) {
                index += 4
                return .nan
            }
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            return Double(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            var scalars = String.UnicodeScalarView()
            var run = index
            var out = ""
            func flush(_ end: Int) { out += String(decoding: bytes[run..<end], as: UTF8.self) }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return out
                }
                guard byte == UInt8(ascii: "\\") else { index += 1; continue }
                flush(index)
                index += 1
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): out += "\n"
                case UInt8(ascii: "r"): out += "\r"
                case UInt8(ascii: "t"): out += "\t"
                case UInt8(ascii: "b"): out += "\u{8}"
                case UInt8(ascii: "f"): out += "\u{C}"
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(code), consume(UInt8(ascii: "\\")), index < bytes.count,
                       bytes[index] == UInt8(ascii: "u") {
                        index += 1
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    scalars.removeAll()
                    scalars.append(scalar)
                    out += String(scalars)
                default: out.unicodeScalars.append(Unicode.Scalar(escape))
                }
                run = index
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count,
                  let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
            index += 4
            return code
        }
    }

    /// Whether two metric dictionaries hold the same names and values (NaN equals NaN).
    public static func sameMetrics(_ a: [String: Double], _ b: [String: Double]) -> Bool {
        guard a.count == b.count else { return false }
        for (key, value) in a {
            guard let other = b[key], value.bitwiseEqualOrBothNaN(other) else { return false }
        }
        return true
    }

    private static func number(_ value: Double) -> String {
        if value.isNaN { return "\"NaN\"" }
        if value.isInfinite { return value > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        return "\(value)"
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}
