import Foundation

/// How a chart axis maps data values onto its length: linear, logarithmic or categorical,
/// with the tick marks and labels a reader needs.
enum PlotScale: Equatable {
    /// A linear axis over `[low, high]`.
    case linear(low: Double, high: Double)
    /// A linear axis over `[low, high]` for whole numbers (epochs, integer parameters):
    /// its ticks are integers.
    case integers(low: Double, high: Double)
    /// A base-10 logarithmic axis over `[low, high]`, both positive.
    case log(low: Double, high: Double)
    /// One band per category, in order.
    case categories([String])

    /// A linear scale around `values` (finite ones only), padded by `padding` of the span
    /// on each side; a single value or no values still give a usable range.
    static func linear(fitting values: [Double], padding: Double = 0.05) -> PlotScale {
        let finite = values.filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else { return .linear(low: 0, high: 1) }
        if low == high {
            let half = low == 0 ? 0.5 : abs(low) * 0.05
            low -= half
            high += half
        } else {
            let pad = (high - low) * padding
            low -= pad
            high += pad
        }
        return .linear(low: low, high: high)
    }

    /// An integer scale around `values`, padded by `padding` of the span (at least 0.2).
    static func integers(fitting values: [Double], padding: Double = 0.03) -> PlotScale {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return .integers(low: 0, high: 1) }
        let pad = max(0.2, (high - low) * padding)
        return .integers(low: low - pad, high: high + pad)
    }

    /// A log scale around the positive `values`, padded by a small factor; falls back to a
    /// linear scale when no value is positive.
    static func log(fitting values: [Double]) -> PlotScale {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        guard let low = positive.min(), let high = positive.max() else { return linear(fitting: values) }
        if low == high { return .log(low: low / 1.5, high: high * 1.5) }
        let factor = Foundation.pow(high / low, 0.05)
        return .log(low: low / factor, high: high * factor)
    }

    /// Where `value` falls on the axis, from 0 (start) to 1 (end); nil when it cannot be
    /// placed (NaN, a non-positive value on a log axis, an unknown category).
    func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch self {
        case let .linear(low, high), let .integers(low, high):
            return high == low ? 0.5 : (value - low) / (high - low)
        case let .log(low, high):
            guard value > 0 else { return nil }
            return (Foundation.log10(value) - Foundation.log10(low)) / (Foundation.log10(high) - Foundation.log10(low))
        case .categories(let names):
            // Category i is the value i; values within half a band of it (jitter) stay in its band.
            guard !names.isEmpty, value >= -0.5, value <= Double(names.count) - 0.5 else { return nil }
            return (value + 0.5) / Double(names.count)
        }
    }

    /// Where the category `name` sits (its band's centre), from 0 to 1.
    func fraction(category name: String) -> Double? {
        guard case .categories(let names) = self, let index = names.firstIndex(of: name) else { return nil }
        return fraction(Double(index))
    }

    /// The width of one category band as a fraction of the axis (0 for numeric axes).
    var bandWidth: Double {
        guard case .categories(let names) = self, !names.isEmpty else { return 0 }
        return 1 / Double(names.count)
    }

    /// About `target` tick positions (values on this axis) with their labels.
    func ticks(target: Int = 5) -> [(value: Double, label: String)] {
        switch self {
        case let .linear(low, high):
            return Self.niceTicks(low: low, high: high, target: target).map { ($0, HTMLText.tick($0)) }
        case let .integers(low, high):
            return Self.niceTicks(low: low, high: high, target: target, minimumStep: 1).map { ($0, HTMLText.tick($0)) }
        case let .log(low, high):
            let lo = Int(Foundation.floor(Foundation.log10(low))), hi = Int(Foundation.ceil(Foundation.log10(high)))
            for multipliers in [[1.0], [1.0, 3.0], [1.0, 2.0, 5.0]] {
                var ticks: [Double] = []
                for exponent in lo...hi {
                    for m in multipliers {
                        let v = m * Foundation.pow(10, Double(exponent))
                        if v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9) { ticks.append(v) }
                    }
                }
                if ticks.count >= 3 || multipliers.count == 3 && ticks.count >= 2 {
                    return ticks.map { ($0, HTMLText.tick($0)) }
                }
            }
            // Less than a decade: evenly spaced in log space.
            return (0...3).map { i in
                let v = Foundation.pow(10, Foundation.log10(low) + (Foundation.log10(high) - Foundation.log10(low)) * (Double(i) + 0.5) / 4)
                return (v, HTMLText.tick(Self.roundSignificant(v, digits: 2)))
            }
        case .categories(let names):
            return names.enumerated().map { (Double($0.offset), $0.element) }
        }
    }

    /// Round numbers (1, 2 or 5 times a power of ten apart) covering `[low, high]`.
    static func niceTicks(low: Double, high: Double, target: Int, minimumStep: Double = 0) -> [Double] {
        guard low.isFinite, high.isFinite, high > low, target > 0 else { return low.isFinite ? [low] : [] }
        let raw = max((high - low) / Double(target), minimumStep)
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        // Whole-number axes never step by 2.5 (raw ≥ 1 there, so every other step is whole).
        let multipliers = minimumStep >= 1 ? [1.0, 2.0, 5.0, 10.0] : [1.0, 2.0, 2.5, 5.0, 10.0]
        let step = multipliers.map { $0 * power }.first { $0 >= raw } ?? 10 * power
        var ticks: [Double] = []
        var v = Foundation.ceil(low / step - 1e-9) * step
        while v <= high + step * 1e-9 && ticks.count < 50 {
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return ticks
    }

    /// `value` rounded to `digits` significant digits.
    static func roundSignificant(_ value: Double, digits: Int) -> Double {
        guard value != 0, value.isFinite else { return value }
        let scale = Foundation.pow(10, Double(digits) - Foundation.ceil(Foundation.log10(abs(value))))
        return (value * scale).rounded() / scale
    }
}
