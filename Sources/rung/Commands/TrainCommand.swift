import ArgumentParser
import Foundation
import RungCore
import RungData
import RungTraining
import RungCLI

/// `rung train`: one trial, locally, epoch by epoch.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one model on prepared splits and print the validation metrics of every epoch.",
        discussion: """
        Families: xgboost (an epoch is `rounds` boosting rounds, default 10), random_forest \
        (an epoch adds `trees_per_epoch` trees, default 10), logistic_regression (an epoch is \
        `rounds` coordinate-descent rounds). An unknown or out-of-range parameter is an error \
        naming it and its allowed range. The same parameters and seed give the same model.

        Example:
          rung train --family xgboost --data .rung/data --epochs 10 \\
            --params '{"max_depth": 6, "learning_rate": 0.1}' --save .rung/models/xgb
        """
    )

    @Option(help: "The model family: xgboost, random_forest or logistic_regression.")
    var family: String

    @Option(help: "The parameters as a JSON object, e.g. '{\"max_depth\": 6}'. Default: the family's defaults.")
    var params: String = "{}"

    @Option(help: "The prepared splits (the output of `rung data prepare`): a directory, file:// URI or s3://bucket/prefix (fetched once into ~/.cache/rung/data).")
    var data: String

    @Option(help: "How many epochs to train.")
    var epochs: Int = 10

    @Option(help: "The trial's seed; the same seed gives the same model.")
    var seed: UInt64 = 42

    @Option(help: "XGBoost threads for this trial.")
    var threads: Int = 1

    @Option(help: "Also write the model (XGBoost JSON), preprocessor.json and metadata.json into this directory.")
    var save: String?

    @Flag(help: "Print one JSON document instead of a line per epoch.")
    var json = false

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs).") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, not \(threads).") }
    }

    func run() throws {
        let parameters = try ParameterJSON.parse(params, what: "--params")
        let prepared = try PreparedData.open(LocalPath.preparedDirectory(data, what: "--data"))
        let train = try prepared.load(.train)
        let validation = try prepared.load(.validation)
        let trainer = try Trainer(family: family, params: parameters, seed: seed, threads: threads,
                                  train: train, validation: validation)
        if !json {
            Output.line("training \(family) on data \(prepared.dataVersion): \(train.labels.count) train rows, "
                  + "\(validation.labels.count) validation rows, \(train.features.columnCount) features, seed \(seed)")
            Output.line(Output.table(Self.epochHeader, []))
        }
        let started = Date()
        var results: [TrainReport.Epoch] = []
        for _ in 0..<epochs {
            let result = try trainer.runEpoch()
            let epoch = TrainReport.Epoch(result, elapsed: Date().timeIntervalSince(started))
            results.append(epoch)
            if !json {
                Output.line(Output.table(Self.epochHeader, [epoch.row]).split(separator: "\n").last.map(String.init) ?? "")
            }
        }
        var report = TrainReport(family: family, parameters: trainer.parameters,
                                 seed: seed, threads: threads, dataVersion: prepared.dataVersion, epochs: results)
        if let save {
            let directory = try LocalPath.url(save, what: "--save")
            let test = try trainer.evaluate(try prepared.load(.test))
            report.test = test.named(.test)
            report.savedTo = directory.path
            try ModelDirectory.write(to: directory, trainer: trainer, prepared: prepared, report: report)
        }
        if json {
            try Output.json(report)
        } else {
            if let best = results.max(by: { ($0.metrics["val_auc"] ?? -1) < ($1.metrics["val_auc"] ?? -1) }) {
                Output.line("best val_auc \(Output.metric(best.metrics["val_auc"])) at epoch \(best.epoch); "
                      + "\(Output.seconds(results.last?.elapsedSeconds ?? 0)) s in all")
            }
            if let saved = report.savedTo {
                Output.line("test_auc \(Output.metric(report.test?["test_auc"])); saved model.json, preprocessor.json, metadata.json to \(saved)")
            }
        }
    }

    static let epochHeader = ["epoch", "val_auc", "val_logloss", "val_pr_auc", "val_f1", "train_s", "elapsed_s"]
}

