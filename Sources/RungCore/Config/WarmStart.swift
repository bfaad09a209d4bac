/// `warm_start:` — what a family evaluates before its searcher's own suggestions.
public enum WarmStart: String, Sendable, Equatable, CaseIterable {
    /// Start with the searcher's suggestions only (the default).
    case none
    /// First evaluate the parameters of the family's current production model version
    /// (from the registry); a family without one starts normally.
    case production
    /// Start TPE from the observations imported into the family's history (`rung import
    /// mlflow`): they are told to the searcher as finished trials before its first suggestion.
    case history
}
