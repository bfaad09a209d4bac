/// Writes rows of a `CleanTable` as CSV bytes: a header of column names, then each row;
/// texts are quoted when they hold a comma, quote or line break; numbers use the short
/// round-trip form of `NumberFormatting`; a missing value is an empty field.
enum CleanTableWriter {
    /// The CSV text of every row of `table`.
    static func csv(_ table: CleanTable) -> [UInt8] {
        let rows = 0..<table.rowCount
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * max(table.columns.count, 1) * 6 + 1024)
        for (k, c) in table.columns.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            appendEscaped(Array(c.name.utf8), to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        // Pre-escape every level once.
        let escaped: [[[UInt8]]?] = table.columns.map { c in
            guard case .text(_, let levels) = c.values else { return nil }
            return levels.map { level in
                var b: [UInt8] = []
                appendEscaped(Array(level.utf8), to: &b)
                return b
            }
        }
        // Flat copies of the columns so the row loop does no reference counting.
        let count = table.rowCount
        let numbers = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(count * table.columns.count, 1))
        let codes = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(count * table.columns.count, 1))
        defer { numbers.deallocate(); codes.deallocate() }
        var isNumeric: [Bool] = []
        for (k, c) in table.columns.enumerated() {
            switch c.values {
            case .numeric(let v):
                isNumeric.append(true)
                for r in 0..<count { numbers[k * count + r] = v[r] }
            case .text(let cs, _):
                isNumeric.append(false)
                for r in 0..<count { codes[k * count + r] = cs[r] }
            }
        }
        let width = table.columns.count
        for r in rows {
            for k in 0..<width {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                if isNumeric[k] {
                    NumberFormatting.append(numbers[k * count + r], to: &out)
                } else {
                    let code = codes[k * count + r]
                    if code >= 0 { out.append(contentsOf: escaped[k]![Int(code)]) }
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Appends `text` to `out`, quoted if it needs to be (or is empty, so it is not read as missing).
    static func appendEscaped(_ text: [UInt8], to out: inout [UInt8]) {
        let needs = text.isEmpty || text.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needs else { out.append(contentsOf: text); return }
        out.append(UInt8(ascii: "\""))
        for b in text {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }
}
