/// Writes rows of a `CleanTable` as CSV bytes: a header of column names, then each row;
/// texts are quoted when they hold a comma, quote or line break; numbers use the short
/// round-trip form of `NumberFormatting`; a missing value is an empty field.
enum CleanTableWriter {
    /// The CSV text of the rows `rows` of `table` (all rows by default).
    static func csv(_ table: CleanTable, rows: Range<Int>? = nil) -> [UInt8] {
        let rows = rows ?? 0..<table.rowCount
        var header: [UInt8] = []
        for (k, c) in table.columns.enumerated() {
            if k > 0 { header.append(UInt8(ascii: ",")) }
            appendEscaped(Array(c.name.utf8), to: &header)
        }
        header.append(UInt8(ascii: "\n"))

        let width = table.columns.count
        var isNumeric = [Bool](repeating: false, count: width)
        var numbers = [[Double]](repeating: [], count: width)
        var codes = [[Int32]](repeating: [], count: width)
        var levelTexts = [[String]](repeating: [], count: width)
        var bound = header.count + rows.count * (width + 1)
        for (k, c) in table.columns.enumerated() {
            switch c.values {
            case .numeric(let v):
                isNumeric[k] = true
                numbers[k] = v
                bound += rows.count * 26
            case .text(let cs, let levels):
                codes[k] = cs
                levelTexts[k] = levels
                // Escaping can at most double a text and add two quotes. The bound sums the
                // rows' own levels (not rows × the longest level), so one long field costs
                // its own length, not the table's row count times it.
                let levelBound = levels.map { 2 * $0.utf8.count + 2 }
                cs.withUnsafeBufferPointer { codes in
                    for r in rows { let code = Int(codes[r]); if code >= 0 { bound += levelBound[code] } }
                }
            }
        }
        // Escaped levels are made on first use, into one arena (ids have many levels per
        // table but few per slice).
        var arena: [UInt8] = []
        var levelStart = [[Int]](repeating: [], count: width)
        var levelEnd = [[Int]](repeating: [], count: width)
        for k in 0..<width where !isNumeric[k] {
            levelStart[k] = [Int](repeating: -1, count: levelTexts[k].count)
            levelEnd[k] = [Int](repeating: -1, count: levelTexts[k].count)
        }

        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            var n = 0
            for b in header { out[n] = b; n += 1 }
            var digits = [UInt8]()
            digits.reserveCapacity(32)
            for r in rows {
                for k in 0..<width {
                    if k > 0 { out[n] = UInt8(ascii: ","); n += 1 }
                    if isNumeric[k] {
                        digits.removeAll(keepingCapacity: true)
                        NumberFormatting.append(numbers[k][r], to: &digits)
                        for b in digits { out[n] = b; n += 1 }
                        continue
                    }
                    let code = Int(codes[k][r])
                    if code < 0 { continue }
                    var p = levelStart[k][code]
                    if p < 0 {
                        p = arena.count
                        appendEscaped(Array(levelTexts[k][code].utf8), to: &arena)
                        levelStart[k][code] = p
                        levelEnd[k][code] = arena.count
                    }
                    let e = levelEnd[k][code]
                    while p < e { out[n] = arena[p]; n += 1; p += 1 }
                }
                out[n] = UInt8(ascii: "\n"); n += 1
            }
            count = n
        }
    }

    /// Appends `text` to `out`, quoted if it needs to be (or is empty, so it is not read as missing).
    static func appendEscaped(_ text: [UInt8], to out: inout [UInt8]) {
        var needs = text.isEmpty
        for b in text where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13 { needs = true }
        guard needs else { out.append(contentsOf: text); return }
        out.append(UInt8(ascii: "\""))
        for b in text {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }
}
