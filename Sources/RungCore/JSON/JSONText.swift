/// Minimal JSON text writing used for replies that must be byte-stable (ask-tell, reports).
public enum JSONText {
    /// Returns `s` as a quoted JSON string.
    public static func quote(_ s: String) -> String {
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

    /// Returns a JSON number for `d`, or `null` when it is not finite.
    public static func number(_ d: Double) -> String {
        d.isFinite ? String(d) : "null"
    }

    /// Joins already-encoded members into a JSON object, keeping their order.
    public static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// Joins already-encoded elements into a JSON array.
    public static func array(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }
}
