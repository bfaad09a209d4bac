import Foundation

/// One chart written as inline SVG by hand: a title, axes with ticks, labels and grid
/// lines, a legend, and data drawn as paths and markers. Values are given in data units and
/// placed through the axes' `PlotScale`s; values that cannot be placed (NaN, ≤ 0 on a log
/// axis) break a path and drop a marker. Every text is escaped.
struct SVGChart {
    /// How a legend entry is drawn.
    enum LegendSymbol {
        /// A line sample with this stroke width and optional dash pattern.
        case line(width: Double, dash: String?)
        /// A dot.
        case dot
    }

    /// Stroke and fill of one drawn element.
    struct Style {
        /// A CSS colour.
        var colour: String
        var width: Double = 1.5
        var opacity: Double = 1
        var dash: String? = nil
        var cssClass: String
    }

    /// The chart's size in CSS pixels.
    var width: Double
    var height: Double
    /// The title above the plot.
    var title: String
    /// The axis labels.
    var xLabel: String
    var yLabel: String
    /// The axes' scales.
    var x: PlotScale
    var y: PlotScale
    /// Shown in the middle of the plot area when nothing was drawn.
    var emptyMessage = "no data yet"

    private var elements: [String] = []
    private var legend: [(label: String, colour: String, symbol: LegendSymbol)] = []
    private var drawn = 0
    private let left = 62.0, right = 16.0, bottom = 46.0
    private var top: Double { legend.isEmpty ? 34 : 34 + 18 * Double(legendRows.count) }

    /// Creates an empty chart.
    init(width: Double, height: Double, title: String, xLabel: String, yLabel: String, x: PlotScale, y: PlotScale) {
        self.width = width
        self.height = height
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.x = x
        self.y = y
    }

    /// How many paths and markers were added.
    var drawnCount: Int { drawn }

    private var plotWidth: Double { max(10, width - left - right) }
    private var plotHeight: Double { max(10, height - top - bottom) }

    private func px(_ value: Double) -> Double? { x.fraction(value).map { left + $0 * plotWidth } }
    private func py(_ value: Double) -> Double? { y.fraction(value).map { top + (1 - $0) * plotHeight } }

    /// Adds a line through `points`, broken where a point cannot be placed; `steps` draws
    /// it as a staircase (horizontal, then vertical). A lone point gets a small dot so it
    /// stays visible. `data` becomes `data-*` attributes; `tooltip` the hover text.
    mutating func addPath(_ points: [(x: Double, y: Double)], style: Style, steps: Bool = false,
                          tooltip: String? = nil, data: [String: String] = [:]) {
        var commands: [String] = []
        var penDown = false
        var placed: [(Double, Double)] = []
        for point in points {
            guard let sx = px(point.x), let sy = py(point.y) else { penDown = false; continue }
            if penDown, steps {
                commands.append("H\(HTMLText.coordinate(sx))V\(HTMLText.coordinate(sy))")
            } else {
                commands.append("\(penDown ? "L" : "M")\(HTMLText.coordinate(sx)) \(HTMLText.coordinate(sy))")
            }
            penDown = true
            placed.append((sx, sy))
        }
        if !placed.isEmpty { drawn += 1 }
        var attributes = "class=\"\(style.cssClass)\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"\(style.width)\""
        attributes += " stroke-linejoin=\"round\" stroke-linecap=\"round\""
        if style.opacity < 1 { attributes += " stroke-opacity=\"\(style.opacity)\"" }
        if let dash = style.dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        for key in data.keys.sorted() { attributes += " data-\(key)=\"\(HTMLText.escape(data[key]!))\"" }
        let titleElement = tooltip.map { "<title>\(HTMLText.escape($0))</title>" } ?? ""
        elements.append("<path \(attributes) d=\"\(commands.joined())\">\(titleElement)</path>")
        if placed.count == 1 {
            elements.append("<circle class=\"lone\" cx=\"\(HTMLText.coordinate(placed[0].0))\" cy=\"\(HTMLText.coordinate(placed[0].1))\" r=\"\(max(2, style.width + 0.5))\" fill=\"\(style.colour)\"\(style.opacity < 1 ? " fill-opacity=\"\(style.opacity)\"" : "")>\(titleElement)</circle>")
        }
    }

    /// Adds a dot at `(x, y)` unless it cannot be placed; returns whether it was drawn.
    @discardableResult
    mutating func addMarker(x xValue: Double, y yValue: Double, radius: Double = 3.5, style: Style,
                            outline: String? = nil, tooltip: String? = nil, data: [String: String] = [:]) -> Bool {
        guard let sx = px(xValue), let sy = py(yValue) else { return false }
        drawn += 1
        var attributes = "class=\"\(style.cssClass)\" cx=\"\(HTMLText.coordinate(sx))\" cy=\"\(HTMLText.coordinate(sy))\" r=\"\(radius)\" fill=\"\(style.colour)\""
        if style.opacity < 1 { attributes += " fill-opacity=\"\(style.opacity)\"" }
        if let outline { attributes += " stroke=\"\(outline)\" stroke-width=\"1.5\"" }
        for key in data.keys.sorted() { attributes += " data-\(key)=\"\(HTMLText.escape(data[key]!))\"" }
        let titleElement = tooltip.map { "<title>\(HTMLText.escape($0))</title>" } ?? ""
        elements.append("<circle \(attributes)>\(titleElement)</circle>")
        return true
    }

    /// Adds a legend entry.
    mutating func addLegend(_ label: String, colour: String, symbol: LegendSymbol) {
        legend.append((label, colour, symbol))
    }

    /// Legend entries laid out in rows that fit the chart's width.
    private var legendRows: [[(label: String, colour: String, symbol: LegendSymbol, x: Double)]] {
        var rows: [[(label: String, colour: String, symbol: LegendSymbol, x: Double)]] = [[]]
        var cursor = left
        for entry in legend {
            let itemWidth = 28 + Double(entry.label.count) * 6.4 + 14
            if cursor + itemWidth > width - right, !rows[rows.count - 1].isEmpty {
                rows.append([])
                cursor = left
            }
            rows[rows.count - 1].append((entry.label, entry.colour, entry.symbol, cursor))
            cursor += itemWidth
        }
        return rows.filter { !$0.isEmpty }
    }

    /// The chart as an `<svg>` element (no XML namespace: it is inline in HTML).
    func render() -> String {
        let c = HTMLText.coordinate
        var out = "<svg class=\"chart\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        out += "<title>\(HTMLText.escape(title))</title>"
        let titleRoom = max(8, Int((width - left - right) / 7.6))
        let shownTitle = title.count > titleRoom ? String(title.prefix(titleRoom - 1)) + "…" : title
        out += "<text class=\"chart-title\" x=\"\(c(left))\" y=\"20\">\(HTMLText.escape(shownTitle))</text>"
        // Legend.
        for (row, entries) in legendRows.enumerated() {
            let ly = 36 + 18 * Double(row)
            for entry in entries {
                switch entry.symbol {
                case let .line(lineWidth, dash):
                    out += "<line x1=\"\(c(entry.x))\" y1=\"\(c(ly - 4))\" x2=\"\(c(entry.x + 22))\" y2=\"\(c(ly - 4))\" stroke=\"\(entry.colour)\" stroke-width=\"\(lineWidth)\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
                case .dot:
                    out += "<circle cx=\"\(c(entry.x + 11))\" cy=\"\(c(ly - 4))\" r=\"4\" fill=\"\(entry.colour)\"/>"
                }
                out += "<text class=\"legend\" x=\"\(c(entry.x + 28))\" y=\"\(c(ly))\">\(HTMLText.escape(entry.label))</text>"
            }
        }
        // Plot frame, grid and ticks.
        let x0 = left, x1 = left + plotWidth, y0 = top, y1 = top + plotHeight
        out += "<rect class=\"plot-area\" x=\"\(c(x0))\" y=\"\(c(y0))\" width=\"\(c(plotWidth))\" height=\"\(c(plotHeight))\"/>"
        out += "<g class=\"grid\">"
        let yTicks = y.ticks(target: max(4, Int(plotHeight / 40)))
        for tick in yTicks {
            guard let ty = py(tick.value) else { continue }
            out += "<line x1=\"\(c(x0))\" y1=\"\(c(ty))\" x2=\"\(c(x1))\" y2=\"\(c(ty))\"/>"
        }
        let xTicks = x.ticks(target: max(3, Int(plotWidth / 70)))
        if case .categories = x {} else {
            for tick in xTicks {
                guard let tx = px(tick.value) else { continue }
                out += "<line x1=\"\(c(tx))\" y1=\"\(c(y0))\" x2=\"\(c(tx))\" y2=\"\(c(y1))\"/>"
            }
        }
        out += "</g><g class=\"axis\">"
        out += "<line x1=\"\(c(x0))\" y1=\"\(c(y1))\" x2=\"\(c(x1))\" y2=\"\(c(y1))\"/>"
        out += "<line x1=\"\(c(x0))\" y1=\"\(c(y0))\" x2=\"\(c(x0))\" y2=\"\(c(y1))\"/>"
        for tick in yTicks {
            guard let ty = py(tick.value) else { continue }
            out += "<line x1=\"\(c(x0 - 4))\" y1=\"\(c(ty))\" x2=\"\(c(x0))\" y2=\"\(c(ty))\"/>"
            out += "<text class=\"tick\" x=\"\(c(x0 - 7))\" y=\"\(c(ty + 4))\" text-anchor=\"end\">\(HTMLText.escape(tick.label))</text>"
        }
        let maxLabel = max(3, Int(plotWidth / Double(max(1, xTicks.count)) / 6.5))
        for tick in xTicks {
            guard let tx = px(tick.value) else { continue }
            let label = tick.label.count > maxLabel ? String(tick.label.prefix(maxLabel - 1)) + "…" : tick.label
            out += "<line x1=\"\(c(tx))\" y1=\"\(c(y1))\" x2=\"\(c(tx))\" y2=\"\(c(y1 + 4))\"/>"
            out += "<text class=\"tick\" x=\"\(c(tx))\" y=\"\(c(y1 + 17))\" text-anchor=\"middle\">\(HTMLText.escape(label))"
            if label != tick.label { out += "<title>\(HTMLText.escape(tick.label))</title>" }
            out += "</text>"
        }
        out += "</g>"
        out += "<text class=\"axis-label\" x=\"\(c(x0 + plotWidth / 2))\" y=\"\(c(height - 8))\" text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text>"
        out += "<text class=\"axis-label\" x=\"14\" y=\"\(c(y0 + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(c(y0 + plotHeight / 2)))\">\(HTMLText.escape(yLabel))</text>"
        // Data.
        out += "<g class=\"data\">" + elements.joined() + "</g>"
        if drawn == 0 {
            out += "<text class=\"empty\" x=\"\(c(x0 + plotWidth / 2))\" y=\"\(c(y0 + plotHeight / 2))\" text-anchor=\"middle\">\(HTMLText.escape(emptyMessage))</text>"
        }
        return out + "</svg>"
    }
}
