/// `warm_start:` — what a family evaluates before its searcher's own suggestions.
public enum WarmStart: String, Sendable, Equatable, CaseIterable {
    /// Start with the searcher's suggestions only (the default).
    case none
    /// First evaluate the parameters of the family's current production model version
    /// (from the registry); a family without one starts normally.
    case production
}
