/// The three splits of the initial data that training and evaluation use.
public enum SplitName: String, Sendable, Codable, CaseIterable {
    /// Rows the preprocessor and the models are fitted on.
    case train
    /// Rows trials are scored on while tuning.
    case validation
    /// Rows the chosen models are scored on once.
    case test

    /// The split's file name in a prepared-splits directory (e.g. `train.csv`).
    public var fileName: String { "\(rawValue).csv" }
}
