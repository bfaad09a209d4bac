import Foundation

/// The report's feature-importance chart: one horizontal bar per source column, its length
/// the mean |contribution| over the validation split, largest first (inline SVG, no script).
/// Each bar carries its column and value as data attributes and a hover title.
struct ImportanceChart {
    /// The family's importance.
    let importance: ReportInsights.Importance
    /// At most this many columns are drawn (the rest are listed as a count).
    var maxBars = 20

    /// The SVG element.
    func render() -> String {
        let e = HTMLText.escape
        let shown = Array(importance.columns.prefix(maxBars))
        let barHeight = 18.0, gap = 4.0, left = 190.0, right = 70.0, top = 34.0, width = 720.0
        let height = top + Double(shown.count) * (barHeight + gap) + 12
        let largest = shown.map(\.value).max() ?? 0
        let span = width - left - right
        let title = "\(importance.family)@\(importance.version): mean |contribution| over \(importance.rows) validation rows"
        let h = Int(height.rounded(.up))
        var svg = "<svg class=\"chart importance\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(h)\" viewBox=\"0 0 \(Int(width)) \(h)\" role=\"img\" aria-label=\"Feature importance of \(e(title)) (log-odds)\">"
        svg += "<text class=\"chart-title\" x=\"10\" y=\"20\">\(e(title))</text>"
        for (i, item) in shown.enumerated() {
            let y = top + Double(i) * (barHeight + gap)
            let length = largest > 0 ? span * item.value / largest : 0
            let value = String(format: "%.4g", item.value)
            svg += "<g class=\"bar\" data-column=\"\(e(item.column))\" data-value=\"\(e(String(format: "%.9g", item.value)))\"><title>\(e(item.column)): \(e(value))</title>"
            svg += "<text class=\"axis-label\" x=\"\(HTMLText.coordinate(left - 6))\" y=\"\(HTMLText.coordinate(y + barHeight - 5))\" text-anchor=\"end\">\(e(item.column))</text>"
            svg += "<rect x=\"\(HTMLText.coordinate(left))\" y=\"\(HTMLText.coordinate(y))\" width=\"\(HTMLText.coordinate(max(length, 0.5)))\" height=\"\(HTMLText.coordinate(barHeight))\" fill=\"#2563eb\"/>"
            svg += "<text class=\"tick\" x=\"\(HTMLText.coordinate(left + length + 4))\" y=\"\(HTMLText.coordinate(y + barHeight - 5))\">\(e(value))</text></g>"
        }
        return svg + "</svg>"
    }
}
