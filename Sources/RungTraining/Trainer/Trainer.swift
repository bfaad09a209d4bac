import Foundation
import RungCore
import RungData

/// One trial's model being trained, epoch by epoch, with one of the built-in families
/// (`xgboost`, `random_forest`, `logistic_regression`).
///
/// The same family, parameters, seed, thread count and data give the same model bytes and
/// predictions; `checkpoint()` + `resume(from:train:validation:)` continue bit-exactly.
///
/// Thread rule for `@unchecked Sendable`: a `Trainer` may be handed from one thread to
/// another (e.g. into a worker slot's thread), but is used by one thread at a time.
public final class Trainer: @unchecked Sendable {
    /// The family name.
    public let family: String
    /// The resolved parameters: canonical names, validated, defaults filled in.
    public let parameters: [String: ParamValue]
    /// The trial's seed.
    public let seed: UInt64
    /// XGBoost's `nthread` (for the epochs that follow; see `setThreads(_:)`).
    public private(set) var threads: Int
    /// Epochs trained so far.
    public private(set) var epochsCompleted: Int

    private let engine: TrainingEngine
    private let data: TrainingMatrices

    /// Starts a new trial. Throws `RungError.badInput` for an unknown family, an unknown or
    /// out-of-range parameter (naming it, its value and the allowed range), or unusable data.
    public convenience init(family: String, params: [String: ParamValue], seed: UInt64, threads: Int = 1,
                            train: EncodedSplit, validation: EncodedSplit) throws {
        try self.init(family: family, params: params, seed: seed, threads: threads,
                      data: TrainingMatrices(train: train, validation: validation))
    }

    /// Starts a new trial on matrices already built (a worker slot reuses them across trials).
    public convenience init(family: String, params: [String: ParamValue], seed: UInt64, threads: Int = 1,
                            data: TrainingMatrices) throws {
        let resolved = try TrainerFamilies.resolveParameters(family: family, params)
        try self.init(family: family, resolved: resolved, seed: seed, threads: threads, data: data, models: [], epochs: 0)
    }

    private init(family: String, resolved: [String: ParamValue], seed: UInt64, threads: Int,
                 data: TrainingMatrices, models: [Data], epochs: Int) throws {
        guard threads >= 1 else { throw RungError.usage("Trainer threads must be at least 1, not \(threads).") }
        self.family = family
        self.parameters = resolved
        self.seed = seed
        self.threads = threads
        self.epochsCompleted = epochs
        self.data = data
        let fingerprint = data.fingerprint

        let familyType = try TrainerFamilies.family(named: family)
        let context = XGBoostContext(seed: SeedDerivation.xgboostSeed(seed, stream: 0), threads: threads,
                                     trainRows: fingerprint.rows,
                                     positiveRate: Double(fingerprint.positives) / Double(fingerprint.rows))
        let xgbParams = familyType.xgboostParameters(resolved, context: context)
        switch family {
        case RandomForestFamily.name:
            engine = try ForestEngine(parameters: xgbParams, seed: seed, train: data.trainMatrix, chunks: models)
        default:
            guard models.count <= 1 else { throw RungError.badInput("A \(family) checkpoint holds \(models.count) models, not one.") }
            engine = try BoostingEngine(parameters: xgbParams, roundsPerEpoch: XGBoostFamily.int(resolved, "rounds"),
                                        train: data.trainMatrix, model: models.first)
        }
    }

    /// Trains one more epoch and evaluates the model on the validation split.
    public func runEpoch() throws -> EpochResult {
        let start = DispatchTime.now().uptimeNanoseconds
        try engine.trainEpoch(epochIndex: epochsCompleted)
        epochsCompleted += 1
        let trained = DispatchTime.now().uptimeNanoseconds
        let probabilities = try engine.predictValidation(data.validationMatrix).map(Double.init)
        let metrics = try MetricSet(labels: data.validationLabels, probabilities: probabilities)
        let done = DispatchTime.now().uptimeNanoseconds
        return EpochResult(epoch: epochsCompleted, validation: metrics,
                           trainSeconds: Double(trained - start) / 1e9, evaluationSeconds: Double(done - trained) / 1e9)
    }

    /// Changes XGBoost's `nthread` for the epochs that follow (a worker lends a running
    /// trial the core of an idle slot). Whether the model stays the same depends on the
    /// family: see `TrainerFamilies.threadsKeepModel(family:)`.
    public func setThreads(_ threads: Int) throws {
        guard threads >= 1 else { throw RungError.usage("Trainer threads must be at least 1, not \(threads).") }
        guard threads != self.threads else { return }
        try engine.setThreads(threads)
        self.threads = threads
    }

    /// Makes the trainer continue exactly as one resumed from a checkpoint taken now would.
    ///
    /// Between epochs a trainer keeps its live XGBoost booster, whose samplers carry random
    /// state that a saved model does not hold; where a trial may pause (an ASHA milestone),
    /// call this when it goes on instead, so that a paused-and-resumed trial and an
    /// unpaused one give the same model. It costs one model reload for a booster whose
    /// samplers keep state (see `BoostingEngine`), nothing otherwise.
    public func alignWithCheckpoint() throws {
        if epochsCompleted > 0 { try engine.alignWithReload() }
    }

    /// Everything needed to continue this trial bit-exactly (JSON with the XGBoost models
    /// inside); the trainer itself then continues as the resumed one would.
    public func checkpoint() throws -> Data {
        try alignWithCheckpoint()
        let state = TrainerCheckpoint(format: TrainerCheckpoint.currentFormat, family: family, parameters: parameters,
                                      seed: seed, threads: threads, epochsCompleted: epochsCompleted,
                                      trainData: data.fingerprint,
                                      models: epochsCompleted == 0 ? [] : try engine.componentModels())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(state)
    }

    /// Continues a trial from `checkpoint()` output, on the same training data (checked);
    /// `threads` overrides the checkpoint's thread count (results may then differ).
    public static func resume(from checkpoint: Data, train: EncodedSplit, validation: EncodedSplit,
                              threads: Int? = nil) throws -> Trainer {
        try resume(from: checkpoint, data: TrainingMatrices(train: train, validation: validation), threads: threads)
    }

    /// Continues a trial from `checkpoint()` output on matrices already built (checked
    /// against the checkpoint's training data).
    public static func resume(from checkpoint: Data, data: TrainingMatrices, threads: Int? = nil) throws -> Trainer {
        let state: TrainerCheckpoint
        do {
            state = try JSONDecoder().decode(TrainerCheckpoint.self, from: checkpoint)
        } catch {
            throw RungError.badInput("The trainer checkpoint is not readable: \(error).")
        }
        guard state.format == TrainerCheckpoint.currentFormat else {
            throw RungError.badInput("The trainer checkpoint has format '\(state.format)', expected '\(TrainerCheckpoint.currentFormat)'.")
        }
        guard data.fingerprint == state.trainData else {
            throw RungError.badInput("The trainer checkpoint was made on different training data (\(state.trainData)) than given (\(data.fingerprint)).")
        }
        let resolved = try TrainerFamilies.resolveParameters(family: state.family, state.parameters)
        return try Trainer(family: state.family, resolved: resolved, seed: state.seed, threads: threads ?? state.threads,
                           data: data, models: state.models, epochs: state.epochsCompleted)
    }

    /// Positive-class probabilities of the current model for every row of `features`.
    public func predictProbabilities(_ features: CSRMatrix) throws -> [Double] {
        try requireTrained()
        guard features.columnCount == data.columnCount else {
            throw RungError.badInput("The matrix to predict has \(features.columnCount) columns but the model was trained on \(data.columnCount).")
        }
        return try engine.predict(DMatrix(features)).map(Double.init)
    }

    /// Metrics of the current model on a labelled split (e.g. the test split).
    public func evaluate(_ split: EncodedSplit) throws -> MetricSet {
        try MetricSet(labels: split.labels.map(Double.init), probabilities: predictProbabilities(split.features))
    }

    /// Metrics of the current model on the test split of its `TrainingMatrices` (built
    /// once). A random forest is scored from its chunks' margins, as its epochs are, so
    /// without building the merged model: equal to the saved model's metrics up to float
    /// rounding. Throws `RungError.usage` when the matrices have no test split.
    public func evaluateTest() throws -> MetricSet {
        try requireTrained()
        guard let test = data.test, let matrix = try data.testMatrix else {
            throw RungError.usage("The trainer's data has no test split to evaluate.")
        }
        return try MetricSet(labels: test.labels.map(Double.init),
                             probabilities: engine.predictFromComponents(matrix).map(Double.init))
    }

    /// The current model in XGBoost's JSON format (loadable by Python xgboost), predicting
    /// exactly what this trainer evaluates.
    public func modelData() throws -> Data {
        try requireTrained()
        return try engine.modelData()
    }

    /// Writes `modelData()` to a file.
    public func saveModel(to url: URL) throws {
        let data = try modelData()
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw RungError.unavailable("Cannot write the model to \(url.path): \(error.localizedDescription)")
        }
    }

    /// The XGBoost models the state consists of: one booster, or, for `random_forest`, one
    /// booster per epoch whose margin-space average is the forest.
    public func componentModels() throws -> [Data] {
        try requireTrained()
        return try engine.componentModels()
    }

    private func requireTrained() throws {
        if epochsCompleted == 0 { throw RungErrorFactory.notTrained(family: family) }
    }
}
