import Foundation
import RungCore

/// Reads the past trials of an MLflow experiment (as Ray Tune's or Optuna's MLflow
/// callbacks log them: one run per trial, its configuration as params, its metric) into a
/// `PriorHistory` (docs/mlflow.md). Runs that failed or still run, and runs without the
/// metric, are left out and counted.
public enum HistoryImport {
    /// What an import read.
    public struct Result: Sendable {
        /// The history to store.
        public var history: PriorHistory
        /// Runs left out, with the reason, by run id.
        public var skipped: [(run: String, reason: String)]
    }

    /// The history of `experiment` on `client`'s server, with the final value of `metric`.
    public static func fetch(client: MLflowClient, experiment: String, metric: String) throws -> Result {
        guard let experimentID = try client.findExperiment(named: experiment) else {
            throw RungError.badInput("MLflow server \(client.baseURI) has no experiment \(experiment)")
        }
        var observations: [PriorHistory.Observation] = []
        var skipped: [(String, String)] = []
        let runs = try client.searchRuns(experimentIDs: [experimentID])
        for run in runs.sorted(by: { runID($0) < runID($1) }) {
            let id = runID(run)
            let status = (run["info"] as? [String: Any])?["status"] as? String ?? ""
            guard status == "FINISHED" || status == "KILLED" else {
                skipped.append((id, "status \(status)"))
                continue
            }
            let data = run["data"] as? [String: Any] ?? [:]
            let metrics = data["metrics"] as? [[String: Any]] ?? []
            guard let entry = metrics.first(where: { $0["key"] as? String == metric }),
                  let value = MLflowClient.number(entry["value"]), value.isFinite else {
                skipped.append((id, "no \(metric)"))
                continue
            }
            var params: [String: String] = [:]
            for param in data["params"] as? [[String: Any]] ?? [] {
                guard let key = param["key"] as? String, let text = param["value"] as? String else { continue }
                // Ray Tune logs nested config keys as `config/NAME` or `a/b`: keep the last part.
                params[key.split(separator: "/").last.map(String.init) ?? key] = text
            }
            guard !params.isEmpty else {
                skipped.append((id, "no params (a parent run?)"))
                continue
            }
            observations.append(PriorHistory.Observation(params: params, value: value, source: id))
        }
        return Result(history: PriorHistory(origin: "mlflow \(client.baseURI), experiment \(experiment)", metric: metric,
                                            observations: observations),
                      skipped: skipped)
    }

    private static func runID(_ run: [String: Any]) -> String {
        (run["info"] as? [String: Any])?["run_id"] as? String ?? ""
    }
}
