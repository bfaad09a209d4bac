/// Strict decimal number syntax, shared by type inference and parsing: an optional sign,
/// digits with an optional fraction, and an optional exponent (`-1`, `2.5`, `.5`, `1e-3`).
/// Words such as `nan`, `inf` or hexadecimal forms are not numbers here.
public enum NumberText {
    /// Whether `bytes` is a decimal number.
    public static func isNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
        var digits = 0
        while i < n && bytes[i] >= 48 && bytes[i] <= 57 { i += 1; digits += 1 }
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && bytes[i] >= 48 && bytes[i] <= 57 { i += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            var expDigits = 0
            while i < n && bytes[i] >= 48 && bytes[i] <= 57 { i += 1; expDigits += 1 }
            guard expDigits > 0 else { return false }
        }
        return i == n
    }

    /// The value of `text` if it is a decimal number.
    public static func parse(_ text: String) -> Double? {
        var copy = text
        let ok = copy.withUTF8 { isNumber($0) }
        guard ok else { return nil }
        return Double(text)
    }
}
