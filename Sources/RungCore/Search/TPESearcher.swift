/// The Tree-structured Parzen Estimator (Bergstra et al. 2011) as hyperopt and Optuna
/// practise it: random start-up trials, a good/bad split of the observations by a quantile
/// rule, Parzen estimators l(x) and g(x) with a prior kernel, and the best of N
/// candidates drawn from l(x) by l(x)/g(x).
///
/// Parallel-aware (running trials count as the worst value in g(x), "constant liar"),
/// rung-aware (fits the highest budget with enough results, as BOHB), conditional
/// parameters use only the trials where they were active.
public struct TPESearcher: Searcher {
    /// The space the searcher draws from.
    public let space: SearchSpace
    /// Whether the metric is minimised or maximised.
    public let mode: OptimizationMode
    /// The algorithm's settings.
    public let options: TPEOptions
    private let encodings: [ParameterEncoding]
    private var rng: SeededGenerator
    private var history = TrialHistory()

    /// Creates a TPE searcher over `space` for a metric optimised in `mode`.
    public init(space: SearchSpace, mode: OptimizationMode, seed: UInt64, options: TPEOptions = TPEOptions()) {
        self.space = space
        self.mode = mode
        self.options = options
        self.encodings = space.parameters.map { ParameterEncoding($0.domain) }
        self.rng = SeededGenerator(seed: seed)
    }

    /// The number of searched dimensions (const parameters excluded).
    private var searchedDimensions: Int { encodings.filter { $0.kind != .fixed }.count }

    /// Proposes the parameters of trial `trialID`.
    public mutating func suggest(trialID: TrialID) -> [String: ParamValue] {
        let params: [String: ParamValue]
        let minPoints = options.minPointsPerRung ?? (searchedDimensions + 2)
        let set = history.trainingSet(policy: options.fidelity, minPoints: max(1, minPoints),
                                      stoppedAsBad: options.stoppedTrialsAsBad)
        let ready: Bool
        switch options.fidelity {
        case .lastResult: ready = set.observed.count >= max(1, options.startupTrials)
        case .highestRung: ready = history.observedTrialCount >= max(1, options.startupTrials) && !set.observed.isEmpty
        }
        if ready {
            params = sampleFromModel(observed: set.observed, pending: set.pending.filter { i in
                options.constantLiar || !history.records[i].running
            })
        } else {
            params = space.sampleRandom(using: &rng)
        }
        history.add(id: trialID, params: params, space: space, encodings: encodings)
        return params
    }

    /// Records a result of trial `trialID` at `budget`.
    public mutating func observe(trialID: TrialID, value: Double, budget: Int) {
        history.observe(id: trialID, loss: mode.loss(value), budget: budget)
    }

    /// Adds a running trial with parameters chosen elsewhere (replaces a trial of the same id).
    public mutating func register(trialID: TrialID, params: [String: ParamValue]) {
        history.add(id: trialID, params: params, space: space, encodings: encodings)
    }

    /// Marks trial `trialID` as ended.
    public mutating func finish(trialID: TrialID) {
        history.finish(id: trialID)
    }

    private mutating func sampleFromModel(observed: [(Int, Double)], pending: [Int]) -> [String: ParamValue] {
        let nGood = options.gamma.goodCount(observed.count)
        let ranked = observed.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        let good = ranked.prefix(nGood).map(\.0).sorted()
        let bad = (ranked.dropFirst(nGood).map(\.0) + pending).sorted()
        let records = history.records

        var params: [String: ParamValue] = [:]
        if options.multivariate {
            let group = space.parameters.indices.filter {
                space.parameters[$0].conditions.isEmpty && encodings[$0].kind != .fixed
            }
            if group.count > 1 {
                let chosen = sampleGroup(group, good: good, bad: bad, records: records)
                for (a, j) in group.enumerated() {
                    params[space.parameters[j].name] = encodings[j].fromInternal(chosen[a])
                }
            }
        }
        for (j, p) in space.parameters.enumerated() where params[p.name] == nil {
            guard space.isActive(p, in: params) else { continue }
            if encodings[j].kind == .fixed {
                params[p.name] = encodings[j].fromInternal(0)
                continue
            }
            let chosen = sampleGroup([j], good: good, bad: bad, records: records)
            params[p.name] = encodings[j].fromInternal(chosen[0])
        }
        return params
    }

    /// Fits l and g over the parameters `group` on the trials where all of them were active,
    /// draws candidates from l and returns the internal coordinates of the best by l/g.
    private mutating func sampleGroup(_ group: [Int], good: [Int], bad: [Int], records: [TrialHistory.Record]) -> [Double] {
        let dims: [ParzenEstimator.Dimension] = group.map { j in
            switch encodings[j].kind {
            case let .numeric(low, high): return .numeric(low: low, high: high, step: encodings[j].step)
            case .categorical(let count): return .categorical(count: count)
            case .fixed: return .categorical(count: 1)
            }
        }
        /// The coordinates of the trials in `indices` where every parameter of the group is active, by column.
        func columns(_ indices: [Int]) -> [[Double]] {
            var cols = [[Double]](repeating: [], count: group.count)
            for a in cols.indices { cols[a].reserveCapacity(indices.count) }
            for i in indices {
                records[i].coords.withUnsafeBufferPointer { c in
                    for j in group where c[j].isNaN { return }
                    for (a, j) in group.enumerated() { cols[a].append(c[j]) }
                }
            }
            return cols
        }
        let goodColumns = columns(good)
        let badColumns = columns(bad)
        let l = ParzenEstimator(dims: dims, columns: goodColumns,
                                obsWeights: options.observationWeights(goodColumns[0].count), priorWeight: options.priorWeight)
        let g = ParzenEstimator(dims: dims, columns: badColumns,
                                obsWeights: options.observationWeights(badColumns[0].count), priorWeight: options.priorWeight)
        var best: [Double] = []
        var bestScore = -Double.infinity
        for _ in 0..<max(1, options.candidates) {
            var x = l.sample(using: &rng)
            // Snap onto the parameter's grid so that the score is that of the value suggested.
            for (a, j) in group.enumerated() {
                x[a] = encodings[j].toInternal(encodings[j].fromInternal(x[a]))
            }
            let score = l.logDensity(x) - g.logDensity(x)
            if best.isEmpty || score > bestScore {
                best = x
                bestScore = score
            }
        }
        return best
    }
}
