/// A table that fits a given width: columns shrink to their minimum (the fill column
/// first, then by priority), then the least important ones are dropped; cells are cut
/// with "…". Widths count characters (everything `rung top` draws is one cell wide).
struct ScreenTable {
    /// One column: its header, cells and how it may give up space.
    struct Column {
        var header: String
        var cells: [String]
        /// Right-aligned (numbers).
        var right = false
        var minWidth = 4
        var maxWidth = 40
        /// Higher stays longer when the table is too wide.
        var priority = 5
        /// Takes whatever width is left over (at most one column).
        var fill = false
        /// Cut from the left, keeping the end (sparklines: the latest values).
        var keepEnd = false
        /// An SGR code per cell (nil: plain).
        var colours: [String?] = []
        /// Cells drawn for the width the column gets, when that differs from `cells`
        /// (sparklines resampled, names abbreviated); `cells` still decide the natural width.
        var cellsForWidth: ((Int) -> [String])? = nil
    }

    var columns: [Column]

    /// Header and rows, each at most `width` characters; `style` paints a cell when colouring.
    func render(width: Int, colour: Bool, headerCode: String? = "1") -> [String] {
        let widths = layout(width: width)
        let shown = columns.indices.filter { widths[$0] > 0 }
        var columns = columns
        for c in shown { if let redraw = columns[c].cellsForWidth { columns[c].cells = redraw(widths[c]) } }
        let rowCount = columns.map(\.cells.count).max() ?? 0
        func line(_ cell: (Int) -> (String, String?)) -> String {
            var parts: [String] = []
            for c in shown {
                let (text, code) = cell(c)
                let fitted = Self.fit(text, widths[c], right: columns[c].right, keepEnd: columns[c].keepEnd)
                parts.append(colour && code != nil ? "\u{1B}[\(code!)m\(fitted)\u{1B}[0m" : fitted)
            }
            var joined = parts.joined(separator: " ")
            if !colour { while joined.hasSuffix(" ") { joined.removeLast() } }
            return joined
        }
        var lines = [line { (columns[$0].header, headerCode) }]
        for r in 0..<rowCount {
            lines.append(line { c in
                let column = columns[c]
                return (r < column.cells.count ? column.cells[r] : "", r < column.colours.count ? column.colours[r] : nil)
            })
        }
        return lines
    }

    /// Each column's width (0: dropped) so the table fits `width`.
    func layout(width: Int) -> [Int] {
        var widths = columns.map { c -> Int in
            let natural = ([c.header] + c.cells).map(\.count).max() ?? 0
            return c.fill ? max(c.minWidth, natural) : min(max(c.minWidth, natural), c.maxWidth)
        }
        func total() -> Int {
            let shown = widths.filter { $0 > 0 }
            return shown.reduce(0, +) + max(0, shown.count - 1)
        }
        let byPriority = columns.indices.sorted { (columns[$0].fill ? 0 : 1, columns[$0].priority) < (columns[$1].fill ? 0 : 1, columns[$1].priority) }
        for c in byPriority where total() > width && widths[c] > columns[c].minWidth {
            widths[c] = max(columns[c].minWidth, widths[c] - (total() - width))
        }
        for c in columns.indices.sorted(by: { columns[$0].priority < columns[$1].priority }) where total() > width {
            widths[c] = 0
        }
        if let f = columns.indices.first(where: { columns[$0].fill && widths[$0] > 0 }), total() < width {
            widths[f] += width - total()
        }
        return widths
    }

    /// `text` padded or cut to exactly `width` characters.
    static func fit(_ text: String, _ width: Int, right: Bool = false, keepEnd: Bool = false) -> String {
        guard width > 0 else { return "" }
        let count = text.count
        if count > width {
            if keepEnd { return String(text.suffix(width)) }
            return width == 1 ? "…" : String(text.prefix(width - 1)) + "…"
        }
        let pad = String(repeating: " ", count: width - count)
        return right ? pad + text : text + pad
    }
}
