// rung-storebench: the store writes of a sweep, replayed against one store, for bench/store.
//
// It plays the head's write pattern without the network: one transaction per loop pass, in
// which every running trial reports one epoch (an epoch row, its trial's last_epoch, its
// worker's last_seen), finished trials are marked finished and new trials created and
// started until the budget is spent.
//
//   rung-storebench --store URL [--trials 200] [--epochs 20] [--slots 8]
//
// Prints one JSON document: transactions, total seconds in store writes, and per
// transaction p50/p99/max in milliseconds.
import Foundation
import RungCore
import RungStore

var storeURL = ""
var trialBudget = 200, epochs = 20, slots = 8
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    guard let value = arguments.next() else { fatalError("\(argument) needs a value") }
    switch argument {
    case "--store": storeURL = value
    case "--trials": trialBudget = Int(value)!
    case "--epochs": epochs = Int(value)!
    case "--slots": slots = Int(value)!
    default: fatalError("unknown option \(argument); see the header of Sources/rung-storebench/main.swift")
    }
}
guard !storeURL.isEmpty else { fatalError("--store URL is required") }

do {
    let store = try openStore(url: storeURL)
    let sweep = try store.createSweep(SweepRecord(name: "storebench", configYAML: "name: storebench\n", seed: 1, status: .running))
    try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: trialBudget))
    var running: [TrialRecord] = []
    var created = 0, finished = 0, epochRows = 0
    var durations: [Double] = []
    func start(_ store: any Store) throws -> TrialRecord {
        created += 1
        return try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: created,
                                                 paramsJSON: #"{"max_depth":\#(created % 9),"learning_rate":0.05}"#,
                                                 seed: UInt64(created), status: .running, worker: "w\(created % slots)",
                                                 startedAt: Date()))
    }
    while finished < trialBudget {
        let began = DispatchTime.now().uptimeNanoseconds
        try store.transaction {
            while running.count < slots && created < trialBudget { running.append(try start(store)) }
            var pending: [EpochRecord] = []
            var still: [TrialRecord] = []
            for var trial in running {
                trial.lastEpoch += 1
                pending.append(EpochRecord(trialID: trial.id, epoch: trial.lastEpoch, seconds: 0.25,
                                           metrics: ["val_auc": 0.6 + Double(trial.lastEpoch) / 1000, "val_logloss": 0.5,
                                                     "train_auc": 0.7]))
                try store.saveWorker(WorkerRecord(name: trial.worker!, host: "bench", slots: 1))
                if trial.lastEpoch == epochs {
                    trial.status = .finished
                    trial.finishedAt = Date()
                    trial.finalMetrics = ["val_auc": 0.7, "test_auc": 0.69]
                    finished += 1
                } else {
                    still.append(trial)
                }
                try store.updateTrial(trial)
            }
            epochRows += try store.recordEpochs(pending)
            running = still
        }
        durations.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
    }
    var done = try store.sweep(id: sweep.id)!
    done.status = .finished
    try store.updateSweep(done)
    store.close()
    let sorted = durations.sorted()
    func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(p * Double(sorted.count - 1)))] }
    let total = durations.reduce(0, +) / 1000
    print("""
        {"store": "\(storeURL.hasPrefix("sqlite") ? "sqlite" : "postgresql")", "trials": \(trialBudget), "epochs": \(epochs), \
        "slots": \(slots), "transactions": \(durations.count), "epoch_rows": \(epochRows), \
        "total_seconds": \(String(format: "%.3f", total)), "p50_ms": \(String(format: "%.3f", percentile(0.5))), \
        "p99_ms": \(String(format: "%.3f", percentile(0.99))), "max_ms": \(String(format: "%.3f", sorted.last ?? 0))}
        """)
} catch let error as RungError {
    FileHandle.standardError.write(Data("rung-storebench: \(error.message)\n".utf8))
    exit(error.exitCode)
}
