import Foundation

/// How one family grows its model, epoch by epoch (internal to `Trainer`).
protocol TrainingEngine: AnyObject {
    /// Grows the model by one epoch; `epochIndex` is 0 for the first epoch.
    func trainEpoch(epochIndex: Int) throws
    /// Positive-class probabilities for every row of `matrix`.
    func predict(_ matrix: DMatrix) throws -> [Float]
    /// Probabilities for the validation matrix, evaluated after every epoch; an engine may
    /// keep per-matrix state to make this cheaper than `predict`.
    func predictValidation(_ matrix: DMatrix) throws -> [Float]
    /// Probabilities computed the way epochs are evaluated (for a forest: from its chunks'
    /// margins, without building the merged model), without touching the validation cache.
    func predictFromComponents(_ matrix: DMatrix) throws -> [Float]
    /// Rebuilds any live state a saved model does not hold, so that training on gives what a
    /// trainer resumed from the saved models would (a no-op when there is none).
    func alignWithReload() throws
    /// Sets XGBoost's `nthread` for the epochs that follow.
    func setThreads(_ threads: Int) throws
    /// The model in XGBoost's JSON format, predicting exactly what `predict` does.
    func modelData() throws -> Data
    /// The models the state consists of (one, or one per random-forest chunk), as saved in checkpoints.
    func componentModels() throws -> [Data]
}

/// One booster trained round by round: the `xgboost` and `logistic_regression` families.
///
/// The booster stays live between epochs (its prediction cache makes each round cost only
/// the new trees). A live booster carries random state a saved model does not hold: the
/// hist updater's row and column samplers are seeded once and then continue, so with
/// subsampling a trial resumed from its model would diverge from an uninterrupted one.
/// `alignWithReload()` (called where a trial may pause, and before a checkpoint) therefore
/// rebuilds the booster from its own model bytes with every training parameter set again:
/// exactly the state `Trainer.resume` builds from a checkpoint. Only boosters whose samplers
/// keep state pay for it (`gbtree` with `subsample` or a `colsample_*` below 1); without
/// sampling a live gbtree equals a reloaded one, and `gblinear`'s `coord_descent` with the
/// cyclic selector draws nothing (both checked by `TrainerTests`).
final class BoostingEngine: TrainingEngine {
    private let train: DMatrix
    private var parameters: [(name: String, value: String)]
    private var booster: Booster
    private let roundsPerEpoch: Int
    private var roundsDone: Int
    private let samplerKeepsState: Bool

    init(parameters: [(name: String, value: String)], roundsPerEpoch: Int, train: DMatrix, model: Data?) throws {
        self.train = train
        self.parameters = parameters
        self.roundsPerEpoch = roundsPerEpoch
        samplerKeepsState = Self.samplerKeepsState(parameters)
        booster = try Self.makeBooster(parameters: parameters, train: train, model: model)
        roundsDone = model == nil ? 0 : try booster.boostedRounds()
    }

    /// Whether a live booster with these parameters holds sampler state its saved model lacks.
    static func samplerKeepsState(_ parameters: [(name: String, value: String)]) -> Bool {
        let booster = parameters.last { $0.name == "booster" }?.value ?? "gbtree"
        guard booster != "gblinear" else { return false }
        return parameters.contains {
            ($0.name == "subsample" || $0.name.hasPrefix("colsample_")) && (Double($0.value) ?? 1) < 1
        }
    }

    private static func makeBooster(parameters: [(name: String, value: String)], train: DMatrix, model: Data?) throws -> Booster {
        let booster = try Booster(cache: [train])
        try booster.setParameters(parameters)
        if let model {
            try booster.loadModel(from: model)
            // Loading a model does not restore training parameters: set them all again.
            try booster.setParameters(parameters)
        }
        return booster
    }

    func trainEpoch(epochIndex: Int) throws {
        for _ in 0..<roundsPerEpoch {
            try booster.updateOneIteration(roundsDone, train: train)
            roundsDone += 1
        }
    }

    func alignWithReload() throws {
        guard samplerKeepsState, roundsDone > 0 else { return }
        booster = try Self.makeBooster(parameters: parameters, train: train, model: try booster.modelData(format: "ubj"))
    }

    func setThreads(_ threads: Int) throws {
        parameters = Self.with(threads: threads, parameters)
        try booster.setParameter("nthread", String(threads))
    }

    /// `parameters` with `nthread` set to `threads`.
    static func with(threads: Int, _ parameters: [(name: String, value: String)]) -> [(name: String, value: String)] {
        parameters.filter { $0.name != "nthread" } + [("nthread", String(threads))]
    }

    func predict(_ matrix: DMatrix) throws -> [Float] { try booster.predict(matrix) }
    func predictValidation(_ matrix: DMatrix) throws -> [Float] { try booster.predict(matrix) }
    func predictFromComponents(_ matrix: DMatrix) throws -> [Float] { try booster.predict(matrix) }
    func modelData() throws -> Data { try booster.modelData() }
    func componentModels() throws -> [Data] { [try booster.modelData()] }
}

/// The `random_forest` family: one independent one-round booster per epoch, merged into a
/// single averaged model (see `ForestMerger`).
final class ForestEngine: TrainingEngine {
    private let train: DMatrix
    private var parameters: [(name: String, value: String)]
    private let seed: UInt64
    private var chunks: [Data] = []
    private var chunkBoosters: [Booster] = []
    private var merger = ForestMerger()
    /// The merged single-model forest, built only when asked for (saving, checkpoints,
    /// predicting other data): rebuilding it every epoch costs O(trees) per epoch.
    private var merged: (booster: Booster, data: Data)?
    /// The merged forest's bytes alone (saving needs no booster; loading one costs as much
    /// as the merge).
    private var mergedData: Data?
    /// The validation matrix and the sum, per row, of every chunk's leaf values on it so far.
    private var validation: (matrix: DMatrix, chunks: Int, leafSums: [Double])?
    private let baseMargin: Double
    private let treesPerChunk: Double

    init(parameters: [(name: String, value: String)], seed: UInt64, train: DMatrix, chunks: [Data]) throws {
        self.train = train
        self.parameters = parameters
        self.seed = seed
        let base = Double(parameters.last { $0.name == "base_score" }?.value ?? "0.5") ?? 0.5
        baseMargin = log(base / (1 - base))
        treesPerChunk = Double(parameters.last { $0.name == "num_parallel_tree" }?.value ?? "1") ?? 1
        for chunk in chunks {
            try merger.append(chunk: chunk)
            let booster = try Booster()
            try booster.loadModel(from: chunk)
            chunkBoosters.append(booster)
        }
        self.chunks = chunks
    }

    func trainEpoch(epochIndex: Int) throws {
        let booster = try Booster(cache: [train])
        try booster.setParameters(parameters)
        // Each chunk gets its own seed, derived from the trial seed and the chunk's index.
        try booster.setParameter("seed", String(SeedDerivation.xgboostSeed(seed, stream: UInt64(epochIndex) + 1)))
        try booster.updateOneIteration(0, train: train)
        let chunk = try booster.modelData()
        try merger.append(chunk: chunk)
        chunks.append(chunk)
        chunkBoosters.append(booster)
        merged = nil
        mergedData = nil
    }

    private func mergedBytes() throws -> Data {
        if let mergedData { return mergedData }
        guard !chunks.isEmpty else { throw noForest() }
        let data = try merger.merged()
        mergedData = data
        return data
    }

    private func mergedForest() throws -> (booster: Booster, data: Data) {
        if let merged { return merged }
        let data = try mergedBytes()
        let booster = try Booster()
        try booster.loadModel(from: data)
        merged = (booster, data)
        return (booster, data)
    }

    func predict(_ matrix: DMatrix) throws -> [Float] { try mergedForest().booster.predict(matrix) }

    /// The averaged forest's probabilities from cached per-chunk leaf sums: each epoch adds
    /// only the new chunk's margins. The merged model computes the same average
    /// (base margin + mean leaf value over all trees), up to float rounding.
    func predictValidation(_ matrix: DMatrix) throws -> [Float] {
        guard !chunkBoosters.isEmpty else { throw noForest() }
        var state: (matrix: DMatrix, chunks: Int, leafSums: [Double]) = validation.flatMap { $0.matrix === matrix ? $0 : nil }
            ?? (matrix, 0, [Double](repeating: 0, count: matrix.rowCount))
        for c in state.chunks..<chunkBoosters.count {
            let margins = try chunkBoosters[c].predict(matrix, margin: true)
            for i in margins.indices { state.leafSums[i] += Double(margins[i]) - baseMargin }
        }
        state.chunks = chunkBoosters.count
        validation = state
        let trees = treesPerChunk * Double(chunkBoosters.count)
        return state.leafSums.map { Float(1 / (1 + exp(-(baseMargin + $0 / trees)))) }
    }

    /// The same average as `predictValidation`, computed afresh for `matrix`.
    func predictFromComponents(_ matrix: DMatrix) throws -> [Float] {
        guard !chunkBoosters.isEmpty else { throw noForest() }
        var leafSums = [Double](repeating: 0, count: matrix.rowCount)
        for chunk in chunkBoosters {
            let margins = try chunk.predict(matrix, margin: true)
            for i in margins.indices { leafSums[i] += Double(margins[i]) - baseMargin }
        }
        let trees = treesPerChunk * Double(chunkBoosters.count)
        return leafSums.map { Float(1 / (1 + exp(-(baseMargin + $0 / trees)))) }
    }

    /// The chunks trained from now on use `threads`.
    func setThreads(_ threads: Int) throws {
        parameters = BoostingEngine.with(threads: threads, parameters)
    }

    /// Every chunk is an independent booster already saved whole: nothing to rebuild.
    func alignWithReload() throws {}

    func modelData() throws -> Data { try mergedBytes() }

    func componentModels() throws -> [Data] { chunks }

    private func noForest() -> Error {
        RungErrorFactory.notTrained(family: RandomForestFamily.name)
    }
}
