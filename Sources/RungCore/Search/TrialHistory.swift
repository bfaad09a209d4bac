/// The searchers' memory: every suggested trial, its encoded parameters and its results.
/// Stored in suggestion order so that nothing depends on dictionary iteration order.
struct TrialHistory: Sendable {
    /// One trial as the searcher remembers it.
    struct Record: Sendable {
        var id: TrialID
        var params: [String: ParamValue]
        /// Internal coordinate per parameter of the space (NaN when inactive or const).
        var coords: [Double]
        /// (budget, loss) in the order reported; a later report at the same budget replaces it.
        var results: [(budget: Int, loss: Double)]
        var running: Bool

        func loss(atBudget b: Int) -> Double? {
            for r in results where r.budget == b { return r.loss }
            return nil
        }

        var lastLoss: Double? {
            results.max(by: { $0.budget < $1.budget })?.loss
        }
    }

    private(set) var records: [Record] = []
    private var indexByID: [TrialID: Int] = [:]
    /// The distinct budgets reported so far, ascending.
    private(set) var budgets: [Int] = []

    func contains(_ id: TrialID) -> Bool { indexByID[id] != nil }

    mutating func add(id: TrialID, params: [String: ParamValue], space: SearchSpace, encodings: [ParameterEncoding]) {
        var coords = [Double](repeating: .nan, count: space.count)
        for (j, p) in space.parameters.enumerated() {
            if let v = params[p.name], encodings[j].kind != .fixed { coords[j] = encodings[j].toInternal(v) }
        }
        if let i = indexByID[id] {
            records[i] = Record(id: id, params: params, coords: coords, results: [], running: true)
        } else {
            indexByID[id] = records.count
            records.append(Record(id: id, params: params, coords: coords, results: [], running: true))
        }
    }

    mutating func observe(id: TrialID, loss: Double, budget: Int) {
        guard let i = indexByID[id] else { return }
        if let k = records[i].results.firstIndex(where: { $0.budget == budget }) {
            records[i].results[k].loss = loss
        } else {
            records[i].results.append((budget, loss))
        }
        if let pos = budgets.firstIndex(where: { $0 >= budget }) {
            if budgets[pos] != budget { budgets.insert(budget, at: pos) }
        } else {
            budgets.append(budget)
        }
    }

    mutating func finish(id: TrialID) {
        guard let i = indexByID[id] else { return }
        records[i].running = false
    }

    /// The observations to fit: (record index, loss) in suggestion order, and the record indices
    /// that count as bad without a value (running without a result at the fitted budget), for
    /// the given policy, and the budget fitted (`.highestRung` only).
    /// `minPoints` is the number of results a budget needs to be used under `.highestRung`.
    /// With `stoppedAsBad`, trials that ended without reaching the fitted budget join the pending
    /// list (the bad group), since early stopping judged them worse than their rung's cutoff.
    func trainingSet(policy: FidelityPolicy, minPoints: Int, stoppedAsBad: Bool = false) -> (observed: [(Int, Double)], pending: [Int], budget: Int?) {
        switch policy {
        case .lastResult:
            var observed: [(Int, Double)] = []
            var pending: [Int] = []
            for i in records.indices {
                if records[i].running { pending.append(i) } else if let l = records[i].lastLoss { observed.append((i, l)) }
            }
            return (observed, pending, nil)
        case .highestRung:
            var chosen: Int? = nil
            for b in budgets.reversed() {
                var n = 0
                for i in records.indices where records[i].loss(atBudget: b) != nil { n += 1 }
                if n >= minPoints { chosen = b; break }
            }
            guard let b = chosen ?? budgets.first else {
                return ([], records.indices.filter { records[$0].running }, nil)
            }
            var observed: [(Int, Double)] = []
            var pending: [Int] = []
            for i in records.indices {
                if let l = records[i].loss(atBudget: b) {
                    observed.append((i, l))
                } else if records[i].running {
                    pending.append(i)
                } else if stoppedAsBad, !records[i].results.isEmpty {
                    // Ended below budget b: stopped early, i.e. judged worse than its rung's cutoff.
                    pending.append(i)
                }
            }
            return (observed, pending, b)
        }
    }

    /// The number of trials with at least one result.
    var observedTrialCount: Int {
        var n = 0
        for i in records.indices where !records[i].results.isEmpty { n += 1 }
        return n
    }
}
