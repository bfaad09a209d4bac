
/// CSV quoting for `--csv` output (RFC 4180).
public enum CSVField {
    /// The field as is, or double-quoted with quotes doubled when it holds a comma, quote or newline.
    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
