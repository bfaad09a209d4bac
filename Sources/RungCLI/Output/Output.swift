import Foundation

/// How commands write to the terminal: human text on stdout, exactly one JSON document
/// with `--json`, diagnostics on stderr.
public enum Output {
    /// Prints `value` as one pretty, key-sorted JSON document on stdout.
    public static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(value)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }

    /// Writes a line to stdout, unbuffered (so progress shows as it happens).
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to stderr.
    public static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Formats rows as left-aligned text columns separated by two spaces; numeric-looking
    /// cells are right-aligned.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func isNumber(_ s: String) -> Bool { Double(s.replacingOccurrences(of: ",", with: "")) != nil }
        return all.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return isNumber(cell) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }

    /// A metric value with four decimals, or "—" when undefined.
    public static func metric(_ value: Double?) -> String {
        guard let value else { return "—" }
        return value.isNaN ? "nan" : String(format: "%.4f", value)
    }

    /// Seconds with two decimals.
    public static func seconds(_ value: Double) -> String { String(format: "%.2f", value) }
}
