/// Writes a `CleanTable` as CSV bytes: a header of column names, then each row; texts
/// are quoted when they hold a comma, quote or line break; numbers use the short
/// round-trip form of `NumberFormatting`; a missing value is an empty field.
enum CleanTableWriter {
    /// The CSV text of every row of `table`.
    static func csv(_ table: CleanTable) -> [UInt8] {
        var header: [UInt8] = []
        for (k, c) in table.columns.enumerated() {
            if k > 0 { header.append(UInt8(ascii: ",")) }
            appendEscaped(Array(c.name.utf8), to: &header)
        }
        header.append(UInt8(ascii: "\n"))

        // Every text level, escaped once, in one arena; numbers and codes in flat arrays.
        let rows = table.rowCount
        let width = table.columns.count
        var arena: [UInt8] = []
        var levelStart: [Int] = []      // per (column base + code): start in arena; one extra end entry per column
        var columnBase = [Int](repeating: 0, count: width)
        var isNumeric = [Bool](repeating: false, count: width)
        var numbers = [Double](repeating: 0, count: rows * width)
        var codes = [Int32](repeating: -1, count: rows * width)
        var bound = header.count
        for (k, c) in table.columns.enumerated() {
            switch c.values {
            case .numeric(let v):
                isNumeric[k] = true
                for r in 0..<rows { numbers[r * width + k] = v[r] }
                bound += rows * 26
            case .text(let cs, let levels):
                columnBase[k] = levelStart.count
                var longest = 0
                for level in levels {
                    levelStart.append(arena.count)
                    appendEscaped(Array(level.utf8), to: &arena)
                    longest = max(longest, arena.count - levelStart.last!)
                }
                levelStart.append(arena.count)
                for r in 0..<rows { codes[r * width + k] = cs[r] }
                bound += rows * (longest + 1)
            }
        }
        bound += rows + width

        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            var n = 0
            for b in header { out[n] = b; n += 1 }
            var digits = [UInt8]()
            digits.reserveCapacity(32)
            arena.withUnsafeBufferPointer { arena in
                levelStart.withUnsafeBufferPointer { starts in
                    for r in 0..<rows {
                        let row = r * width
                        for k in 0..<width {
                            if k > 0 { out[n] = UInt8(ascii: ","); n += 1 }
                            if isNumeric[k] {
                                digits.removeAll(keepingCapacity: true)
                                NumberFormatting.append(numbers[row + k], to: &digits)
                                for b in digits { out[n] = b; n += 1 }
                            } else {
                                let code = codes[row + k]
                                if code >= 0 {
                                    let i = columnBase[k] + Int(code)
                                    var p = starts[i]
                                    let e = starts[i + 1]
                                    while p < e { out[n] = arena[p]; n += 1; p += 1 }
                                }
                            }
                        }
                        out[n] = UInt8(ascii: "\n"); n += 1
                    }
                }
            }
            count = n
        }
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
