/// Aligned text tables whose cells may be coloured without upsetting the alignment.
public enum TerminalTable {
    /// Pads every column to its widest cell, separates columns by two spaces, then colours
    /// the cells of the columns in `colour`. A column whose cells are all numbers (or "—")
    /// is right-aligned, header included; other columns are left-aligned.
    ///
    /// With a `width`, a wider table first cuts the cells of column `shrink` (with "…", to no
    /// fewer than 8 characters), then leaves out the columns in `drop`, in that order.
    /// Escape codes are written only when `styled` (by default: `TerminalStyle.enabled`).
    public static func render(_ header: [String], _ rows: [[String]], colour: [Int: (String) -> String?] = [:],
                              width: Int? = nil, shrink: Int? = nil, drop: [Int] = [],
                              styled: Bool = TerminalStyle.enabled) -> String {
        var header = header, rows = rows, colour = colour
        var widths = header.indices.map { c in ([header] + rows).map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func total() -> Int { widths.reduce(0, +) + 2 * max(0, widths.count - 1) }
        if let width, total() > width {
            let natural = shrink.map { widths[$0] } ?? 0
            if let shrink { widths[shrink] = min(8, natural) }
            var dropped = Set<Int>()
            for c in drop where total() > width && c < widths.count && c != shrink {
                dropped.insert(c)
                widths[c] = -2  // the column and its separator
            }
            if let shrink {
                let limit = max(widths[shrink], min(natural, width - (total() - widths[shrink])))
                rows = rows.map { row in
                    var row = row
                    if shrink < row.count, row[shrink].count > limit { row[shrink] = String(row[shrink].prefix(limit - 1)) + "…" }
                    return row
                }
            }
            if !dropped.isEmpty {
                let keep = header.indices.filter { !dropped.contains($0) }
                var kept: [Int: (String) -> String?] = [:]
                for (new, old) in keep.enumerated() { kept[new] = colour[old] }
                colour = kept
                header = keep.map { header[$0] }
                rows = rows.map { row in keep.map { $0 < row.count ? row[$0] : "" } }
            }
        }
        let all = [header] + rows
        widths = header.indices.map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        let numeric = header.indices.map { c in
            let cells = rows.compactMap { c < $0.count ? $0[c] : nil }.filter { $0 != "—" }
            return !cells.isEmpty && cells.allSatisfy { Double($0) != nil }
        }
        return all.enumerated().map { index, row in
            let line = row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                let painted = index > 0 ? TerminalStyle.paint(cell, colour[c]?(cell) ?? nil, enabled: styled) : cell
                return numeric[c] ? pad + painted : painted + pad
            }.joined(separator: "  ")
            var trimmed = line
            while trimmed.hasSuffix(" ") { trimmed.removeLast() }
            return trimmed
        }.joined(separator: "\n")
    }
}
