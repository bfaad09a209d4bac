/// Unicode block sparklines (▁▂▃▄▅▆▇█) for a family's best-so-far history.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The values (resampled to at most `width`) as bars scaled between their minimum and maximum; a missing
    /// value is a space, and a flat series is drawn at mid height. Lower-is-better metrics
    /// are drawn upside down (`higherIsBetter: false`), so a rising line always means better.
    static func render(_ values: [Double?], width: Int, higherIsBetter: Bool = true) -> String {
        guard width > 0 else { return "" }
        let shown = resample(values, to: width)
        let finite = shown.compactMap { $0 }.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return String(repeating: " ", count: min(width, shown.count)) }
        return String(shown.map { value -> Character in
            guard let value, value.isFinite else { return " " }
            guard high > low else { return blocks[3] }
            var fraction = (value - low) / (high - low)
            if !higherIsBetter { fraction = 1 - fraction }
            return blocks[min(blocks.count - 1, max(0, Int((fraction * Double(blocks.count - 1)).rounded())))]
        })
    }

    /// At most `count` values picked evenly from `values`, first and last included.
    static func resample(_ values: [Double?], to count: Int) -> [Double?] {
        guard values.count > count, count > 1 else { return Array(values.suffix(max(count, 0))) }
        return (0..<count).map { values[$0 * (values.count - 1) / (count - 1)] }
    }
}
