/// The orders of `rung top`'s trial table; `s` cycles through them.
public enum TopSort: String, CaseIterable, Sendable {
    case metric, id, duration, status

    /// The next order in the cycle.
    public var next: TopSort {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
