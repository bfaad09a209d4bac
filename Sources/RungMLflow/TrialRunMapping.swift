import Foundation
import RungCore

/// How rung's rows become MLflow runs (docs/mlflow.md): pure mapping of statuses, names,
/// tags, params and metric values, used by the tracking export.
public enum TrialRunMapping {
    /// The tag that makes a trial's run findable again: the export is idempotent on it.
    public static let trialTag = "rung.trial_id"
    /// The tag that makes a sweep's parent run findable again.
    public static let sweepTag = "rung.sweep_id"
    /// `sweep` on a parent run, `trial` on a trial's run.
    public static let roleTag = "rung.role"

    /// MLflow's run status for a trial status: RUNNING until it ends; FINISHED; KILLED for
    /// stopped (ASHA) and cancelled trials; FAILED.
    public static func runStatus(_ status: TrialRecord.Status) -> String {
        switch status {
        case .pending, .running, .paused: return "RUNNING"
        case .finished: return "FINISHED"
        case .stopped, .cancelled: return "KILLED"
        case .failed: return "FAILED"
        }
    }

    /// MLflow's run status for a sweep status.
    public static func runStatus(_ status: SweepRecord.Status) -> String {
        switch status {
        case .queued, .running: return "RUNNING"
        case .finished: return "FINISHED"
        case .cancelled: return "KILLED"
        case .failed: return "FAILED"
        }
    }

    /// Milliseconds since 1970.
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// A trial's run name: `FAMILY-NUMBER`.
    public static func runName(of trial: TrialRecord) -> String { "\(trial.family)-\(trial.number)" }

    /// The tags of a trial's run: the parent, the ids, family, seed, data version and rung version.
    public static func tags(of trial: TrialRecord, sweep: SweepRecord, parentRunID: String) -> [String: String] {
        var tags = [
            "mlflow.parentRunId": parentRunID,
            "mlflow.runName": runName(of: trial),
            roleTag: "trial",
            trialTag: String(trial.id),
            sweepTag: String(sweep.id),
            "rung.sweep": sweep.name,
            "rung.family": trial.family,
            "rung.trial_number": String(trial.number),
            "rung.seed": String(trial.seed),
            "rung.version": RungVersion.string,
        ]
        if let data = sweep.dataVersion { tags["rung.data_version"] = data }
        return tags
    }

    /// The tags a trial's run gets when it ends: where ASHA stopped it, why it failed.
    public static func endTags(of trial: TrialRecord) -> [String: String] {
        var tags: [String: String] = ["rung.status": trial.status.rawValue]
        if trial.status == .stopped { tags["rung.stopped_at_rung"] = String(trial.lastEpoch) }
        if let worker = trial.worker { tags["rung.worker"] = worker }
        if trial.status == .failed || trial.status == .cancelled, let reason = trial.reason {
            tags["rung.failure_reason"] = String(reason.prefix(5000))
        }
        return tags
    }

    /// A trial's parameters as MLflow params (strings; JSON text for non-scalars).
    public static func params(of trial: TrialRecord) -> [String: String] {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(trial.paramsJSON.utf8)) else {
            return [:]
        }
        return object.mapValues(paramText)
    }

    /// One parameter value as MLflow param text.
    static func paramText(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return JSONText.number(d)
        case .string(let s): return s
        case .array, .object: return jsonText(value)
        }
    }

    /// A value as JSON text.
    static func jsonText(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return JSONText.quote(s)
        case .array(let items): return JSONText.array(items.map(jsonText))
        case .object(let members): return JSONText.object(members.sorted { $0.key < $1.key }.map { ($0.key, jsonText($0.value)) })
        default: return paramText(value)
        }
    }

    /// The metric values of one epoch result at `step` = epoch, with the epoch's seconds as
    /// `epoch_seconds`; non-finite values are left out (JSON cannot carry them).
    public static func metrics(of epoch: EpochRecord) -> [MLflowMetric] {
        let timestamp = millis(epoch.recordedAt)
        var values = epoch.metrics.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        values.append(("epoch_seconds", epoch.seconds))
        return values.filter { $0.1.isFinite }.map {
            MLflowMetric(key: $0.0, value: $0.1, timestampMillis: timestamp, step: Int64(epoch.epoch))
        }
    }
}
