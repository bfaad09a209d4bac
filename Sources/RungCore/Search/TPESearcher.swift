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
    /// The trace being recorded by `suggestTraced`, and how many extra draws per group it wants.
    private var trace: TPETrace?
    private var traceDraws = 0

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

    /// Proposes the parameters of trial `trialID` like `suggest`, and returns every intermediate
    /// quantity of the model-based suggestion (nil while still in the random start-up phase),
    /// with `draws` extra samples from each l(x) taken from an independent stream (the
    /// suggestion itself is the one `suggest` would have made).
    public mutating func suggestTraced(trialID: TrialID, draws: Int = 0) -> ([String: ParamValue], TPETrace?) {
        var t = TPETrace()
        t.history = history.records.map { r in
            TPETrace.Trial(id: r.id, paramsJSON: space.json(r.params), loss: r.lastLoss, running: r.running)
        }
        trace = t
        traceDraws = max(0, draws)
        let params = suggest(trialID: trialID)
        let result = trace
        trace = nil
        traceDraws = 0
        return (params, result.flatMap { $0.groups.isEmpty ? nil : $0 })
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
        if trace != nil {
            trace?.observed = observed.count
            trace?.below = good.map { records[$0].id }
            trace?.above = bad.map { records[$0].id }
        }

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
        var tracedGroup: TPETrace.Group?
        if trace != nil {
            func describe(_ e: ParzenEstimator, _ indices: [Int]) -> TPETrace.Estimator {
                let k = e.kernels()
                let used = indices.filter { i in group.allSatisfy { !records[i].coords[$0].isNaN } }
                return TPETrace.Estimator(trials: used.map { records[$0].id }, weights: k.weights,
                                          mus: k.mus, sigmas: k.sigmas, probs: k.probs)
            }
            var drawRNG = SeededGenerator(seed: 0x7472_6163_6500 &+ UInt64(records.count))
            tracedGroup = TPETrace.Group(params: group.map { space.parameters[$0].name },
                                         below: describe(l, good), above: describe(g, bad),
                                         candidates: [], logBelow: [], logAbove: [], chosen: 0,
                                         draws: (0..<traceDraws).map { _ in
                                             var x = l.sample(using: &drawRNG)
                                             for (a, j) in group.enumerated() { x[a] = encodings[j].toInternal(encodings[j].fromInternal(x[a])) }
                                             return x
                                         })
        }
        for _ in 0..<max(1, options.candidates) {
            var x = l.sample(using: &rng)
            // Snap onto the parameter's grid so that the score is that of the value suggested.
            for (a, j) in group.enumerated() {
                x[a] = encodings[j].toInternal(encodings[j].fromInternal(x[a]))
            }
            let logL = l.logDensity(x), logG = g.logDensity(x)
            let score = logL - logG
            if tracedGroup != nil {
                tracedGroup?.candidates.append(x)
                tracedGroup?.logBelow.append(logL)
                tracedGroup?.logAbove.append(logG)
            }
            if best.isEmpty || score > bestScore {
                if let t = tracedGroup { tracedGroup?.chosen = t.candidates.count - 1 }
                best = x
                bestScore = score
            }
        }
        if let t = tracedGroup { trace?.groups.append(t) }
        return best
    }
}
