/// The orders of `rung top`'s trial table; `s` cycles through them.
enum TopSort: String, CaseIterable, Sendable {
    case metric, id, duration, status

    /// The next order in the cycle.
    var next: TopSort {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
