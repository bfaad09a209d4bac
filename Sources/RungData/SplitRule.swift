/// How cleaned rows are split: they are put in `order` (file order by default, see
/// `SplitPlanner`), then the first `initialFraction` is the initial data, cut in order into
/// train (`train` of it), validation (`validation` of it) and test (the rest); the remaining
/// rows are future data in `futureBatches` batches. Every size rounds down: initial = ⌊f·n⌋,
/// train = ⌊t·initial⌋, validation = ⌊v·initial⌋; with `group`, each cut moves to the
/// nearest group boundary.
public struct SplitRule: Codable, Sendable, Equatable {
    /// How rows are ordered before they are cut.
    public enum Order: String, Codable, Sendable, Equatable, CaseIterable {
        /// As in the file (or sorted by `sortBy`).
        case file
        /// Shuffled with `seed`.
        case shuffle
        /// Shuffled with `seed` so that every split has the target's class balance.
        case stratified
    }

    /// The fraction of cleaned rows that is initial data (0 < f ≤ 1); default 0.2.
    public var initialFraction: Double
    /// The fraction of initial data used for training; default 0.7.
    public var train: Double
    /// The fraction of initial data used for validation; default 0.15.
    public var validation: Double
    /// How many batches the future data is cut into; default 4.
    public var futureBatches: Int
    /// How rows are ordered before they are cut; default `file`.
    public var order: Order = .file
    /// The seed of `shuffle` and `stratified`; default 0.
    public var seed: UInt64 = 0
    /// A column whose rows stay on one side of every cut (no group in two splits).
    public var group: String?
    /// A column to sort by (ascending, stable; numbers numerically, missing last) before cutting.
    public var sortBy: String?

    /// Whether rows keep the plain file order (the default, recorded nowhere).
    public var isFileOrder: Bool { order == .file && group == nil && sortBy == nil }

    /// A canonical one-line description of the ordering, for the manifest and data version.
    public var orderDescription: String {
        var parts = ["order=\(order.rawValue)"]
        if order != .file { parts.append("seed=\(seed)") }
        if let group { parts.append("group=\(group)") }
        if let sortBy { parts.append("sort_by=\(sortBy)") }
        return parts.joined(separator: " ")
    }

    /// Creates a split rule with the defaults 0.2, 0.7/0.15/rest and 4 future batches.
    public init(initialFraction: Double = 0.2, train: Double = 0.7, validation: Double = 0.15, futureBatches: Int = 4) {
        self.initialFraction = initialFraction
        self.train = train
        self.validation = validation
        self.futureBatches = futureBatches
    }

    /// Row counts for `n` cleaned rows.
    public func sizes(rows n: Int) -> (train: Int, validation: Int, test: Int, future: Int) {
        let initial = Int((initialFraction * Double(n)).rounded(.down))
        let trainRows = Int((train * Double(initial)).rounded(.down))
        let validationRows = Int((validation * Double(initial)).rounded(.down))
        return (trainRows, validationRows, initial - trainRows - validationRows, n - initial)
    }

    /// The half-open row ranges of the future batches for `future` future rows that start at
    /// row `start`: batch k ends at ⌊k·future/batches⌋, so sizes differ by at most one.
    public func futureRanges(start: Int, future: Int) -> [Range<Int>] {
        guard futureBatches > 0, future > 0 else { return [] }
        return (0..<futureBatches).map { k in
            (start + k * future / futureBatches) ..< (start + (k + 1) * future / futureBatches)
        }
    }

    enum CodingKeys: String, CodingKey {
        case initialFraction = "initial_fraction", train, validation, futureBatches = "future_batches"
        case order, seed, group, sortBy = "sort_by"
    }
}
