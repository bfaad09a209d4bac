import Foundation

/// How one family grows its model, epoch by epoch (internal to `Trainer`).
protocol TrainingEngine: AnyObject {
    /// Grows the model by one epoch; `epochIndex` is 0 for the first epoch.
    func trainEpoch(epochIndex: Int) throws
    /// Positive-class probabilities for every row of `matrix`.
    func predict(_ matrix: DMatrix) throws -> [Float]
    /// The model in XGBoost's JSON format, predicting exactly what `predict` does.
    func modelData() throws -> Data
    /// The models the state consists of (one, or one per random-forest chunk), as saved in checkpoints.
    func componentModels() throws -> [Data]
}

/// One booster trained round by round: the `xgboost` and `logistic_regression` families.
///
/// Every epoch starts from a booster freshly loaded from the previous epoch's model bytes,
/// with every training parameter set again: exactly the state `Trainer.resume` builds from a
/// checkpoint. XGBoost keeps random state inside a live booster (the hist updater's column
/// sampler is seeded once and then continues), so without this a resumed trial with column
/// subsampling would diverge from an uninterrupted one.
final class BoostingEngine: TrainingEngine {
    private let train: DMatrix
    private let parameters: [(name: String, value: String)]
    private var booster: Booster
    private let roundsPerEpoch: Int
    private var roundsDone: Int
    /// Whether `booster` was just created from bytes (or is new) and has not trained yet.
    private var fresh = true

    init(parameters: [(name: String, value: String)], roundsPerEpoch: Int, train: DMatrix, model: Data?) throws {
        self.train = train
        self.parameters = parameters
        self.roundsPerEpoch = roundsPerEpoch
        booster = try Self.makeBooster(parameters: parameters, train: train, model: model)
        roundsDone = model == nil ? 0 : try booster.boostedRounds()
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
        if !fresh {
            booster = try Self.makeBooster(parameters: parameters, train: train, model: try booster.modelData())
        }
        fresh = false
        for _ in 0..<roundsPerEpoch {
            try booster.updateOneIteration(roundsDone, train: train)
            roundsDone += 1
        }
    }

    func predict(_ matrix: DMatrix) throws -> [Float] { try booster.predict(matrix) }
    func modelData() throws -> Data { try booster.modelData() }
    func componentModels() throws -> [Data] { [try booster.modelData()] }
}

/// The `random_forest` family: one independent one-round booster per epoch, merged into a
/// single averaged model (see `ForestMerger`).
final class ForestEngine: TrainingEngine {
    private let train: DMatrix
    private let parameters: [(name: String, value: String)]
    private let seed: UInt64
    private var chunks: [Data] = []
    private var merger = ForestMerger()
    private var merged: Booster?
    private var mergedData: Data?

    init(parameters: [(name: String, value: String)], seed: UInt64, train: DMatrix, chunks: [Data]) throws {
        self.train = train
        self.parameters = parameters
        self.seed = seed
        for chunk in chunks { try merger.append(chunk: chunk) }
        self.chunks = chunks
        if !chunks.isEmpty { try remerge() }
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
        try remerge()
    }

    private func remerge() throws {
        let data = try merger.merged()
        let booster = try Booster()
        try booster.loadModel(from: data)
        merged = booster
        mergedData = data
    }

    func predict(_ matrix: DMatrix) throws -> [Float] {
        guard let merged else { throw noForest() }
        return try merged.predict(matrix)
    }

    func modelData() throws -> Data {
        guard let mergedData else { throw noForest() }
        return mergedData
    }

    func componentModels() throws -> [Data] { chunks }

    private func noForest() -> Error {
        RungErrorFactory.notTrained(family: RandomForestFamily.name)
    }
}
