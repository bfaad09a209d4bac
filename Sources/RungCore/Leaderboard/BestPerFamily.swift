/// The one definition of a family's best trial, used by the leaderboard, `rung sweep show`,
/// `rung top`, the progress line and model registration (docs/cli.md, "Best per family").
///
/// A trial's **value** is the sweep metric at its last reported epoch (a finished trial's
/// final metrics are its last epoch's). A trial whose value is missing or NaN is never
/// best. Among the rest, the best is the one with the better value in the metric's mode
/// (`max`: higher); a tie goes to the trial with more epochs, then to the lower trial id.
/// The candidates are the caller's: every trial of the family for "best so far" displays,
/// the finished trials with a saved model for registration (only those can be registered).
public enum BestPerFamily {
    /// One trial as the definition sees it.
    public struct Candidate: Sendable, Equatable {
        /// The trial's id; the last tie-break, lower first.
        public var id: Int64
        /// The model family the trial belongs to.
        public var family: String
        /// The trial's last reported epoch (0 before any report); more wins a tie.
        public var epochs: Int
        /// The sweep metric at that epoch; nil or NaN when there is none.
        public var value: Double?

        /// Creates a candidate.
        public init(id: Int64, family: String, epochs: Int, value: Double?) {
            self.id = id
            self.family = family
            self.epochs = epochs
            self.value = value
        }

        /// Whether the candidate has a usable value (not missing, not NaN).
        public var hasValue: Bool { value.map { !$0.isNaN } ?? false }

        /// Equal when every field is equal, counting NaN as equal to NaN.
        public static func == (a: Candidate, b: Candidate) -> Bool {
            a.id == b.id && a.family == b.family && a.epochs == b.epochs
                && (a.value == b.value || (a.value?.isNaN == true && b.value?.isNaN == true))
        }
    }

    /// Whether `a` ranks above `b`: a value beats no value, a better value beats a worse
    /// one, then more epochs, then the lower trial id. A total order on distinct trials.
    public static func precedes(_ a: Candidate, _ b: Candidate, mode: OptimizationMode) -> Bool {
        precedes(aValue: a.value ?? .nan, aEpochs: a.epochs, aID: a.id,
                 bValue: b.value ?? .nan, bEpochs: b.epochs, bID: b.id, mode: mode)
    }

    /// `precedes` on the bare facts (a NaN value is no value).
    public static func precedes(aValue: Double, aEpochs: Int, aID: Int64,
                                bValue: Double, bEpochs: Int, bID: Int64, mode: OptimizationMode) -> Bool {
        switch (!aValue.isNaN, !bValue.isNaN) {
        case (true, false): return true
        case (false, true): return false
        case (true, true) where aValue != bValue:
            return mode == .max ? aValue > bValue : aValue < bValue
        default:
            if aEpochs != bEpochs { return aEpochs > bEpochs }
            return aID < bID
        }
    }

    /// The best candidate of `candidates` (nil when none has a value).
    public static func best(of candidates: some Sequence<Candidate>, mode: OptimizationMode) -> Candidate? {
        var best: Candidate?
        for candidate in candidates where candidate.hasValue {
            if let current = best, !precedes(candidate, current, mode: mode) { continue }
            best = candidate
        }
        return best
    }

    /// The best candidate of each family that has one with a value.
    public static func best(perFamily candidates: some Sequence<Candidate>, mode: OptimizationMode) -> [String: Candidate] {
        var best: [String: Candidate] = [:]
        for candidate in candidates where candidate.hasValue {
            if let current = best[candidate.family], !precedes(candidate, current, mode: mode) { continue }
            best[candidate.family] = candidate
        }
        return best
    }
}
