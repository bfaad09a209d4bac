import Foundation
import RungCore

/// The text form of a metrics dictionary in the store: a JSON object with sorted keys in
/// which finite values are JSON numbers (shortest form that reads back to the same
/// `Double`) and non-finite values are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`,
/// so every value round-trips bit for bit (NaN as NaN).
enum MetricsJSON {
    /// Encodes metrics as a JSON object.
    static func encode(_ metrics: [String: Double]) -> String {
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
    /// three non-finite strings; null reads as NaN).
    static func decode(_ text: String, context: String) throws -> [String: Double] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw RungError.badInput("\(context): metrics are not a JSON object: \(text.prefix(80))")
        }
        var result: [String: Double] = [:]
        for (key, value) in object {
            switch value {
            case let string as String:
                switch string {
                case "NaN": result[key] = .nan
                case "Infinity": result[key] = .infinity
                case "-Infinity": result[key] = -.infinity
                default:
                    throw RungError.badInput("\(context): metric \(key) has the non-numeric value \"\(string)\"")
                }
            case is NSNull:
                result[key] = .nan
            case let number as NSNumber:
                result[key] = number.doubleValue
            default:
                throw RungError.badInput("\(context): metric \(key) is not a number")
            }
        }
        return result
    }

    /// Whether two metric dictionaries hold the same names and values (NaN equals NaN).
    static func sameMetrics(_ a: [String: Double], _ b: [String: Double]) -> Bool {
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

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
