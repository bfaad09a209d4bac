import Foundation
import RungCore
import RungStore

/// Rows for store fixtures, written straight through the store's API: shared by symlink by
/// `CLITests` (which run the binary on them) and `RungCLITests` (which render them in-process).
enum SweepRows {
    /// A sweep config that the config parser accepts, with the given metric and families.
    static func config(name: String, metric: String, mode: String, families: [String: Int]) -> String {
        var yaml = """
        name: \(name)
        seed: 42
        data: {source: uci-diabetes-130}
        metric: {name: \(metric), mode: \(mode)}
        scheduler: {type: asha, max_epochs: 9, grace_period: 1, reduction_factor: 3}
        families:

        """
        for (family, trials) in families.sorted(by: { $0.key < $1.key }) {
            yaml += "  \(family):\n    trials: \(trials)\n    space:\n      max_depth: {type: int, low: 2, high: 8}\n"
        }
        return yaml
    }

    /// Adds a trial with its epoch reports (`nil` leaves the metric out of that epoch).
    @discardableResult
    static func addTrial(_ store: any Store, sweep: Int64, family: String, number: Int, status: TrialRecord.Status,
                         metric: String, values: [Double?], worker: String? = nil, seconds: Double = 60,
                         now: Date = Date(), fit: SuggestionFit? = nil) throws -> TrialRecord {
        let started = now.addingTimeInterval(-seconds)
        let trial = try store.createTrial(TrialRecord(
            sweepID: sweep, family: family, number: number, paramsJSON: #"{"learning_rate":0.0123456,"max_depth":\#(number + 2)}"#,
            seed: UInt64(number), status: status, worker: worker, lastEpoch: values.count,
            startedAt: values.isEmpty && status == .pending ? nil : started,
            finishedAt: status.isTerminal ? now : nil, suggestionFit: fit))
        try store.recordEpochs(values.enumerated().map { index, value in
            EpochRecord(trialID: trial.id, epoch: index + 1, seconds: 1,
                        metrics: value.map { [metric: $0, "val_accuracy": 0.5] } ?? ["val_accuracy": 0.5])
        })
        return trial
    }
}
