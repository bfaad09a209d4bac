import Foundation

/// Where the head reads the time. The head never calls `Date()` itself: the system clock
/// runs it for real, a `ManualClock` runs it in virtual time in tests.
public protocol HeadClock: AnyObject, Sendable {
    /// The current time.
    func now() -> Date
}

/// The wall clock.
public final class SystemClock: HeadClock {
    /// A wall clock.
    public init() {}
    /// `Date()`.
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to, for deterministic tests of the head.
public final class ManualClock: HeadClock, @unchecked Sendable {
    // Confined to the test's thread, like the head it drives.
    private var current: Date

    /// A clock reading `start`.
    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = start }

    /// The time it was last set to.
    public func now() -> Date { current }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) { current += seconds }
}
