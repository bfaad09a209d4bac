import Foundation
import RungCore

extension SQLStore {
    private static var driftColumns: String {
        "result_key, recorded_at, config_name, batch, retrain_when, retrain, reason, drift_share, sweep_id, result_json"
    }

    private func driftResult(from row: Row) -> DriftResultRecord {
        DriftResultRecord(key: row.text(0), recordedAt: row.date(1), configName: row.text(2), batch: row.int(3),
                          when: row.text(4), retrain: row.int64(5) != 0, reason: row.text(6),
                          driftShare: row.optionalDouble(7), sweepID: row.optionalInt64(8), resultJSON: row.text(9))
    }

    /// Inserts the retrain gate's result or, if its key is stored, sets its sweep id (when the
    /// record has one): writing the same result twice stores it once.
    public func saveDriftResult(_ result: DriftResultRecord) throws {
        try writeBatched("""
            INSERT INTO drift_results (\(Self.driftColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (result_key) DO UPDATE SET sweep_id = COALESCE(excluded.sweep_id, drift_results.sweep_id)
            """, [.text(result.key), .date(result.recordedAt), .text(result.configName), .int(result.batch),
                  .text(result.when), .int(result.retrain ? 1 : 0), .text(result.reason),
                  result.driftShare.map { .real($0) } ?? .null, .integer(result.sweepID), .text(result.resultJSON)],
            purpose: "record the drift result \(result.key)")
    }

    /// The drift results (all, or those of one sweep), ordered by time then key.
    public func driftResults(sweepID: Int64?) throws -> [DriftResultRecord] {
        if let sweepID {
            return try query("SELECT \(Self.driftColumns) FROM drift_results WHERE sweep_id = ? ORDER BY recorded_at, result_key",
                             [.integer(sweepID)], purpose: "read the drift results of sweep \(sweepID)") { driftResult(from: $0) }
        }
        return try query("SELECT \(Self.driftColumns) FROM drift_results ORDER BY recorded_at, result_key", [],
                         purpose: "list drift results") { driftResult(from: $0) }
    }
}
