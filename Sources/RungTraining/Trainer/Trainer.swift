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
    /// XGBoost's `nthread`.
    public let threads: Int
    /// Epochs trained so far.
    public private(set) var epochsCompleted: Int

    private let engine: TrainingEngine
    private let validationMatrix: DMatrix
    private let validationLabels: [Double]
    private let trainFingerprint: DataFingerprint
    private let columnCount: Int

    /// Starts a new trial. Throws `RungError.badInput` for an unknown family, an unknown or
    /// out-of-range parameter (naming it, its value and the allowed range), or unusable data.
    public convenience init(family: String, params: [String: ParamValue], seed: UInt64, threads: Int = 1,
                            train: EncodedSplit, validation: EncodedSplit) throws {
        let resolved = try TrainerFamilies.resolveParameters(family: family, params)
        try self.init(family: family, resolved: resolved, seed: seed, threads: threads,
                      train: train, validation: validation, models: [], epochs: 0)
    }

    private init(family: String, resolved: [String: ParamValue], seed: UInt64, threads: Int,
                 train: EncodedSplit, validation: EncodedSplit, models: [Data], epochs: Int) throws {
        guard threads >= 1 else { throw RungError.usage("Trainer threads must be at least 1, not \(threads).") }
        guard train.features.rowCount > 0 else { throw RungError.badInput("The training split has no rows.") }
        guard validation.features.rowCount > 0 else { throw RungError.badInput("The validation split has no rows.") }
        guard validation.features.columnCount == train.features.columnCount else {
            throw RungError.badInput("The validation split has \(validation.features.columnCount) columns but the training split has \(train.features.columnCount).")
        }
        for (name, labels) in [("training", train.labels), ("validation", validation.labels)] {
            if let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw RungError.badInput("The \(name) split has label \(labels[i]) at row \(i); labels must be 0 or 1.")
            }
        }
        self.family = family
        self.parameters = resolved
        self.seed = seed
        self.threads = threads
        self.epochsCompleted = epochs
        self.columnCount = train.features.columnCount
        trainFingerprint = DataFingerprint(train)
        let trainMatrix = try DMatrix(train.features, labels: train.labels)
        validationMatrix = try DMatrix(validation.features, labels: validation.labels)
        validationLabels = validation.labels.map(Double.init)

        let familyType = try TrainerFamilies.family(named: family)
        let context = XGBoostContext(seed: SeedDerivation.xgboostSeed(seed, stream: 0), threads: threads,
                                     trainRows: trainFingerprint.rows,
                                     positiveRate: Double(trainFingerprint.positives) / Double(trainFingerprint.rows))
        let xgbParams = familyType.xgboostParameters(resolved, context: context)
        switch family {
        case RandomForestFamily.name:
            engine = try ForestEngine(parameters: xgbParams, seed: seed, train: trainMatrix, chunks: models)
        default:
            guard models.count <= 1 else { throw RungError.badInput("A \(family) checkpoint holds \(models.count) models, not one.") }
            engine = try BoostingEngine(parameters: xgbParams, roundsPerEpoch: XGBoostFamily.int(resolved, "rounds"),
                                        train: trainMatrix, model: models.first)
        }
    }

    /// Trains one more epoch and evaluates the model on the validation split.
    public func runEpoch() throws -> EpochResult {
        let start = DispatchTime.now().uptimeNanoseconds
        try engine.trainEpoch(epochIndex: epochsCompleted)
        epochsCompleted += 1
        let trained = DispatchTime.now().uptimeNanoseconds
        let probabilities = try engine.predictValidation(validationMatrix).map(Double.init)
        let metrics = try MetricSet(labels: validationLabels, probabilities: probabilities)
        let done = DispatchTime.now().uptimeNanoseconds
        return EpochResult(epoch: epochsCompleted, validation: metrics,
                           trainSeconds: Double(trained - start) / 1e9, evaluationSeconds: Double(done - trained) / 1e9)
    }

    /// Everything needed to continue this trial bit-exactly (JSON with the XGBoost models inside).
    public func checkpoint() throws -> Data {
        let state = TrainerCheckpoint(format: TrainerCheckpoint.currentFormat, family: family, parameters: parameters,
                                      seed: seed, threads: threads, epochsCompleted: epochsCompleted,
                                      trainData: trainFingerprint,
                                      models: epochsCompleted == 0 ? [] : try engine.componentModels())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(state)
    }

    /// Continues a trial from `checkpoint()` output, on the same training data (checked);
    /// `threads` overrides the checkpoint's thread count (results may then differ).
    public static func resume(from checkpoint: Data, train: EncodedSplit, validation: EncodedSplit,
                              threads: Int? = nil) throws -> Trainer {
        let state: TrainerCheckpoint
        do {
            state = try JSONDecoder().decode(TrainerCheckpoint.self, from: checkpoint)
        } catch {
            throw RungError.badInput("The trainer checkpoint is not readable: \(error).")
        }
        guard state.format == TrainerCheckpoint.currentFormat else {
            throw RungError.badInput("The trainer checkpoint has format '\(state.format)', expected '\(TrainerCheckpoint.currentFormat)'.")
        }
        let fingerprint = DataFingerprint(train)
        guard fingerprint == state.trainData else {
            throw RungError.badInput("The trainer checkpoint was made on different training data (\(state.trainData)) than given (\(fingerprint)).")
        }
        let resolved = try TrainerFamilies.resolveParameters(family: state.family, state.parameters)
        return try Trainer(family: state.family, resolved: resolved, seed: state.seed, threads: threads ?? state.threads,
                           train: train, validation: validation, models: state.models, epochs: state.epochsCompleted)
    }

    /// Positive-class probabilities of the current model for every row of `features`.
    public func predictProbabilities(_ features: CSRMatrix) throws -> [Double] {
        try requireTrained()
        guard features.columnCount == columnCount else {
            throw RungError.badInput("The matrix to predict has \(features.columnCount) columns but the model was trained on \(columnCount).")
        }
        return try engine.predict(DMatrix(features)).map(Double.init)
    }

    /// Metrics of the current model on a labelled split (e.g. the test split).
    public func evaluate(_ split: EncodedSplit) throws -> MetricSet {
        try MetricSet(labels: split.labels.map(Double.init), probabilities: predictProbabilities(split.features))
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
