/// How cleaned rows are split, in file order: the first `initialFraction` is the initial
/// data, cut in order into train (`train` of it), validation (`validation` of it) and test
/// (the rest); the remaining rows are future data in `futureBatches` batches. Every size
/// rounds down: initial = ⌊f·n⌋, train = ⌊t·initial⌋, validation = ⌊v·initial⌋.
public struct SplitRule: Codable, Sendable, Equatable {
    /// The fraction of cleaned rows that is initial data (0 < f ≤ 1); default 0.2.
    public var initialFraction: Double
    /// The fraction of initial data used for training; default 0.7.
    public var train: Double
    /// The fraction of initial data used for validation; default 0.15.
    public var validation: Double
    /// How many batches the future data is cut into; default 4.
    public var futureBatches: Int

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
    }
}
