import Foundation
import RungStore
import RungWire
import XCTest
import RungCore

/// Shared set-up for the cluster tests: the real dataset prepared once per test class, a
/// small sweep config on it, and helpers that wait on the store with a deadline.
class ClusterTestCase: XCTestCase {
    /// Budgets of the test sweep, by family.
    static let budgets = ["xgboost": 6, "logistic_regression": 4]

    /// The prepared splits of the real dataset (prepared once, with the built `rung`).
    static let prepared: Result<URL, ClientError> = {
        guard let csv = datasetCSV() else {
            return .failure(ClientError("diabetes/diabetic_data.csv not found under RUNG_DATASETS=\(datasets)"))
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("rung-cluster-data-\(getpid())")
        let p = Process()
        p.executableURL = NamespaceCluster.rungExecutable
        p.arguments = ["data", "prepare", "--source", csv.path,
                       "--recipe", NamespaceCluster.packageRoot.appendingPathComponent("Config/datasets/diabetes.yaml").path,
                       "--out", out.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return .failure(ClientError("cannot run \(p.executableURL!.path): \(error)")) }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            return .failure(ClientError("rung data prepare failed: \(String(decoding: output, as: UTF8.self))"))
        }
        // Prepared once for every cluster test class of this process; removed when it exits.
        atexit {
            if case .success(let url) = ClusterTestCase.prepared { try? FileManager.default.removeItem(at: url) }
        }
        return .success(out)
    }()

    /// The directories searched for the dataset: RUNG_DATASETS, else ../shared/data.
    static var datasets: String {
        ProcessInfo.processInfo.environment["RUNG_DATASETS"]
            ?? NamespaceCluster.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }

    /// The real dataset's CSV file, if it is found.
    static func datasetCSV() -> URL? {
        datasets.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("diabetes/diabetic_data.csv") }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The test sweep: xgboost × 6 and logistic_regression × 4, ASHA to 4 epochs.
    func sweepYAML(name: String, xgboostRounds: Int = 10, prepared: String? = nil) throws -> String {
        let data = try prepared ?? Self.prepared.get().path
        return """
        name: \(name)
        seed: 11
        data: {prepared: \(data)}
        metric: {name: val_auc, mode: max}
        searcher: {type: random}
        scheduler: {type: asha, max_epochs: 4, grace_period: 1, reduction_factor: 2}
        families:
          xgboost:
            trials: \(Self.budgets["xgboost"]!)
            epoch: {rounds: \(xgboostRounds)}
            space:
              max_depth: {type: int, low: 3, high: 8}
              learning_rate: {type: loguniform, low: 0.05, high: 0.3}
          logistic_regression:
            trials: \(Self.budgets["logistic_regression"]!)
            epoch: {rounds: 5}
            space:
              reg_lambda: {type: loguniform, low: 0.0001, high: 1}
        register: {metric: test_auc, min_improvement: 0.002}
        """
    }

    /// Opens the cluster's store (SQLite or PostgreSQL) read-only for one look.
    func withStore<T>(_ cluster: NamespaceCluster, _ body: (any Store) throws -> T) throws -> T {
        let store = try openStore(url: cluster.storeURL, readOnly: true)
        defer { store.close() }
        return try body(store)
    }

    /// Polls `condition` every 100 ms until it holds, or fails the test after `timeout` s
    /// with every process's log.
    func waitUntil(_ what: String, timeout: TimeInterval, _ cluster: NamespaceCluster,
                   file: StaticString = #filePath, line: UInt = #line, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var lastError: Error?
        while Date() < deadline {
            do {
                if try condition() { return }
            } catch {
                lastError = error
            }
            usleep(100_000)
        }
        XCTFail("timed out after \(Int(timeout)) s waiting until \(what)" + (lastError.map { " (last error: \($0))" } ?? "")
                + "\n" + cluster.allLogs(), file: file, line: line)
        throw ClientError("timed out waiting until \(what)")
    }

    /// Waits until the head has `count` workers connected.
    func waitForWorkers(_ count: Int, _ client: HeadControlClient, _ cluster: NamespaceCluster, timeout: TimeInterval = 30) throws {
        try waitUntil("\(count) worker(s) joined", timeout: timeout, cluster) { try client.workerNames().count >= count }
    }

    /// Waits until sweep `id` is finished (or ended otherwise) and returns its record.
    @discardableResult
    func waitForSweep(_ id: Int64, _ cluster: NamespaceCluster, timeout: TimeInterval) throws -> SweepRecord {
        var record: SweepRecord?
        try waitUntil("sweep \(id) ended", timeout: timeout, cluster) {
            record = try withStore(cluster) { try $0.sweep(id: id) }
            return record?.status.isTerminal ?? false
        }
        XCTAssertEqual(record?.status, .finished, "sweep \(id): \(record?.message ?? "")\n\(cluster.allLogs())")
        return record!
    }

    /// Checks that every trial of the sweep is accounted for: one record per trial number of
    /// each family's budget, each finished or stopped, with contiguous epoch results.
    func assertEveryTrialAccountedFor(_ sweepID: Int64, _ cluster: NamespaceCluster,
                                      file: StaticString = #filePath, line: UInt = #line) throws -> [TrialRecord] {
        let (trials, epochs) = try withStore(cluster) { (try $0.trials(sweepID: sweepID), try $0.epochs(sweepID: sweepID, family: nil)) }
        for (family, budget) in Self.budgets {
            let numbers = trials.filter { $0.family == family }.map(\.number).sorted()
            XCTAssertEqual(numbers, Array(0..<budget), "\(family): trial numbers on record", file: file, line: line)
        }
        XCTAssertEqual(trials.count, Self.budgets.values.reduce(0, +), file: file, line: line)
        for t in trials {
            XCTAssertTrue([.finished, .stopped].contains(t.status),
                          "trial \(t.id) (\(t.family) #\(t.number)) ended \(t.status.rawValue): \(t.reason ?? "")", file: file, line: line)
            let recorded = epochs.filter { $0.trialID == t.id }.map(\.epoch).sorted()
            XCTAssertEqual(recorded, t.lastEpoch == 0 ? [] : Array(1...t.lastEpoch),
                           "trial \(t.id): epoch results on record vs last epoch \(t.lastEpoch)", file: file, line: line)
        }
        for family in Self.budgets.keys {
            XCTAssertTrue(trials.contains { $0.family == family && $0.status == .finished },
                          "\(family): at least one trial trains to the last epoch", file: file, line: line)
        }
        return trials
    }

    /// Which workers started each trial, from the workers' logs ("worker W: trial N started …").
    func starts(_ cluster: NamespaceCluster, workers: [String]) -> [Int64: [String]] {
        var out: [Int64: [String]] = [:]
        for name in workers {
            for line in cluster.log(name).split(separator: "\n") {
                guard let match = line.firstMatch(of: /worker (\S+): trial (\d+) started/), let id = Int64(match.2) else { continue }
                out[id, default: []].append(String(match.1))
            }
        }
        return out
    }

    /// Checks that no trial was started more often than its retries allow (`exactlyOnce`: once).
    func assertNoTrialRanTwice(_ trials: [TrialRecord], _ cluster: NamespaceCluster, workers: [String], exactlyOnce: Bool = false,
                               file: StaticString = #filePath, line: UInt = #line) {
        let started = starts(cluster, workers: workers)
        for t in trials {
            let on = started[t.id] ?? []
            XCTAssertFalse(on.isEmpty, "trial \(t.id) never started on a worker", file: file, line: line)
            XCTAssertLessThanOrEqual(on.count, exactlyOnce ? 1 : 1 + t.retries,
                                     "trial \(t.id) (\(t.family) #\(t.number)) was started on \(on) with \(t.retries) retries on record",
                                     file: file, line: line)
        }
    }
}
