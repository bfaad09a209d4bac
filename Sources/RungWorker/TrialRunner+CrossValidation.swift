import Foundation
import RungCore
import RungData
import RungBlob
import RungTraining
import RungWire

/// A cross-validated trial (`split.folds`, docs/config.md "Cross-validation"): one trainer
/// per fold, all with the trial's parameters and seed. Each epoch trains every fold model one
/// epoch and reports the mean over the folds of each validation metric (`val_<m>`) and its
/// spread (`val_<m>_std`), so ASHA and the searcher decide on the mean. The fold models live
/// only in this slot (a pause checkpoints all of them in one file); a trial that runs its
/// full budget then refits one model on every non-test row for the same number of epochs,
/// scores it on the test split and ships it as the trial's model, which is what the head
/// registers.
extension TrialRunner {
    /// A checkpoint of every fold's trainer, in fold order.
    struct CrossValidationCheckpoint: Codable {
        /// This layout's name.
        static let currentFormat = "rung-cv-checkpoint-1"
        /// The layout's name.
        var format = currentFormat
        /// Each fold's `Trainer.checkpoint()` bytes (base64 in the JSON).
        var folds: [Data]
    }

    func runCrossValidated(data: LoadedData, params: [String: ParamValue], scratch: URL) throws {
        let trialID = assignment.trialID
        let foldMatrices = try matrices.foldMatrices(for: data)
        let artifacts = TrialArtifacts(store: try openBlobStore(uri: artifactsURI), trialID: trialID, scratch: scratch)
        let trainers: [Trainer]
        if assignment.startEpoch > 0 {
            guard !assignment.checkpointURI.isEmpty else {
                throw RungError.badInput("trial \(trialID) resumes at epoch \(assignment.startEpoch) but its assignment has no checkpoint_uri")
            }
            let bytes = try TrialArtifacts.read(uri: assignment.checkpointURI, scratch: scratch)
            guard let bundle = try? JSONDecoder().decode(CrossValidationCheckpoint.self, from: bytes),
                  bundle.format == CrossValidationCheckpoint.currentFormat, bundle.folds.count == foldMatrices.count else {
                throw RungError.badInput("the checkpoint \(assignment.checkpointURI) is not a checkpoint of \(foldMatrices.count) cross-validation folds")
            }
            trainers = try zip(bundle.folds, foldMatrices).map {
                try Trainer.resume(from: $0, data: $1, threads: options.threadsPerTrial)
            }
            guard trainers.allSatisfy({ $0.family == assignment.family && $0.epochsCompleted == Int(assignment.startEpoch) }) else {
                throw RungError.badInput("the checkpoint \(assignment.checkpointURI) does not hold \(assignment.family) after epoch \(assignment.startEpoch) in every fold")
            }
        } else {
            trainers = try foldMatrices.map {
                try Trainer(family: assignment.family, params: params, seed: assignment.seed,
                            threads: options.threadsPerTrial, data: $0)
            }
        }
        let maxEpochs = Int(assignment.maxEpochs)
        var epochsDone = Int(assignment.startEpoch)
        var validation: [String: Double]?
        while epochsDone < maxEpochs {
            if control.shouldEnd(trialID) {
                channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled after epoch \(epochsDone)"))
                return
            }
            var perFold: [[String: Double]] = []
            var seconds = 0.0
            for trainer in trainers {
                let result = try trainer.runEpoch()
                perFold.append(result.validation.named(.val))
                seconds += result.trainSeconds + result.evaluationSeconds
            }
            epochsDone += 1
            let epoch = UInt32(epochsDone)
            let metrics = FoldMetrics.summary(perFold)
            validation = metrics
            switch report(epoch: epoch, seconds: seconds, metrics: metrics) {
            case .trainOn:
                continue
            case .continued:
                for trainer in trainers { try trainer.alignWithCheckpoint() }
                continue
            case .cancelled:
                channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled at epoch \(epoch)"))
                return
            case .stopped:
                channel.send(.ended(trialID: trialID, how: .stopped, note: "stopped at epoch \(epoch)"))
                return
            case .paused:
                let bundle = CrossValidationCheckpoint(folds: try trainers.map { try $0.checkpoint() })
                let uri = try artifacts.uploadCheckpoint(bytes: try JSONEncoder().encode(bundle), epoch: epochsDone)
                channel.send(.toHead(.done(TrialDone(trialID: trialID, epoch: epoch, metrics: Self.wire(metrics),
                                                     checkpointURI: uri))))
                return
            }
        }
        let val = try validation ?? FoldMetrics.summary(zip(trainers, data.folds).map {
            try $0.evaluate($1.validation).named(.val)
        })
        // The refit: the same parameters, seed and number of epochs on every non-test row.
        let refit = try Trainer(family: assignment.family, params: params, seed: assignment.seed,
                                threads: options.threadsPerTrial, data: try matrices.matrices(for: data))
        while refit.epochsCompleted < epochsDone {
            if control.shouldEnd(trialID) {
                channel.send(.ended(trialID: trialID, how: .cancelled, note: "cancelled while refitting on every non-test row"))
                return
            }
            _ = try refit.runEpoch()
        }
        let test = try refit.evaluateTest().named(.test)
        let uri = try artifacts.uploadModel(refit, preprocessor: data.prepared.preprocessor)
        channel.send(.toHead(.done(TrialDone(trialID: trialID, epoch: UInt32(epochsDone),
                                             metrics: Self.wire(val.merging(test) { a, _ in a }), checkpointURI: uri))))
    }
}
