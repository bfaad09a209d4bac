/// The allowed interval of a numeric parameter, each end open or closed or unbounded,
/// printed in interval notation (`(0, 1]`, `[0, ∞)`, `[1, 30]`).
public struct ParameterRange: Sendable, Hashable, CustomStringConvertible {
    /// The lower end, or nil for −∞.
    public var lower: Double?
    /// Whether the lower end is allowed.
    public var lowerInclusive: Bool
    /// The upper end, or nil for +∞.
    public var upper: Double?
    /// Whether the upper end is allowed.
    public var upperInclusive: Bool

    /// A range from its ends.
    public init(lower: Double?, lowerInclusive: Bool = true, upper: Double?, upperInclusive: Bool = true) {
        self.lower = lower
        self.lowerInclusive = lowerInclusive
        self.upper = upper
        self.upperInclusive = upperInclusive
    }

    /// `[a, b]`.
    public static func closed(_ a: Double, _ b: Double) -> ParameterRange { .init(lower: a, upper: b) }
    /// `(a, b]`.
    public static func leftOpen(_ a: Double, _ b: Double) -> ParameterRange { .init(lower: a, lowerInclusive: false, upper: b) }
    /// `(a, b)`.
    public static func open(_ a: Double, _ b: Double) -> ParameterRange {
        .init(lower: a, lowerInclusive: false, upper: b, upperInclusive: false)
    }
    /// `[a, ∞)`.
    public static func atLeast(_ a: Double) -> ParameterRange { .init(lower: a, upper: nil) }
    /// `(a, ∞)`.
    public static func greaterThan(_ a: Double) -> ParameterRange { .init(lower: a, lowerInclusive: false, upper: nil) }

    /// Whether `x` is a finite number inside the range.
    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        if let lower, lowerInclusive ? x < lower : x <= lower { return false }
        if let upper, upperInclusive ? x > upper : x >= upper { return false }
        return true
    }

    /// The range in interval notation.
    public var description: String {
        func text(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
        let left = lower.map { (lowerInclusive ? "[" : "(") + text($0) } ?? "(-∞"
        let right = upper.map { text($0) + (upperInclusive ? "]" : ")") } ?? "∞)"
        return left + ", " + right
    }
}
