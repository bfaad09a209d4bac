import Foundation
import RungCore
import RungTraining

/// What `rung train` reports, and what `metadata.json` records about the trial.
public struct TrainReport: Codable {
    /// One epoch of training.
    public struct Epoch: Codable {
        /// The epoch, from 1.
        public var epoch: Int
        /// Seconds spent training this epoch.
        public var trainSeconds: Double
        /// Seconds spent evaluating this epoch.
        public var evaluationSeconds: Double
        /// Seconds since training started, at the end of this epoch.
        public var elapsedSeconds: Double
        /// The validation metrics by name.
        public var metrics: [String: Double]
        /// Why a validation metric is undefined, by name (nil when all are defined).
        public var undefined: [String: String]?

        /// The epoch of `r`, ended `elapsed` seconds after training started.
        public init(_ r: EpochResult, elapsed: Double) {
            epoch = r.epoch
            trainSeconds = r.trainSeconds
            evaluationSeconds = r.evaluationSeconds
            elapsedSeconds = elapsed
            metrics = r.validation.named(.val)
            let u = r.validation.undefined(for: .val)
            undefined = u.isEmpty ? nil : u
        }

        /// The epoch as a row of the `rung train` table.
        public var row: [String] {
            ["\(epoch)", Output.metric(metrics["val_auc"]), Output.metric(metrics["val_logloss"]),
             Output.metric(metrics["val_pr_auc"]), Output.metric(metrics["val_f1"]),
             Output.seconds(trainSeconds), Output.seconds(elapsedSeconds)]
        }

        enum CodingKeys: String, CodingKey {
            case epoch, metrics, undefined
            case trainSeconds = "train_seconds"
            case evaluationSeconds = "evaluation_seconds"
            case elapsedSeconds = "elapsed_seconds"
        }
    }

    /// The model family trained.
    public var family: String
    /// The trainer's parameters.
    public var parameters: [String: ParamValue]
    /// The random seed.
    public var seed: UInt64
    /// The training threads.
    public var threads: Int
    /// The version of the prepared data trained on.
    public var dataVersion: String
    /// Every epoch, in order.
    public var epochs: [Epoch]
    /// The test metrics, when the model was saved.
    public var test: [String: Double]?
    /// The model directory, when the model was saved.
    public var savedTo: String?

    /// A report of `family` trained with `parameters`.
    public init(family: String, parameters: [String: ParamValue], seed: UInt64, threads: Int, dataVersion: String,
                epochs: [Epoch], test: [String: Double]? = nil, savedTo: String? = nil) {
        self.family = family
        self.parameters = parameters
        self.seed = seed
        self.threads = threads
        self.dataVersion = dataVersion
        self.epochs = epochs
        self.test = test
        self.savedTo = savedTo
    }

    enum CodingKeys: String, CodingKey {
        case family, parameters, seed, threads, epochs, test
        case dataVersion = "data_version"
        case savedTo = "saved_to"
    }
}
