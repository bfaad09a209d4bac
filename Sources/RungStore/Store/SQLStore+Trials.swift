import Foundation
import RungCore

extension SQLStore {
    private static var trialColumns: String {
        """
        t.id, t.sweep_id, t.family, t.number, t.params_json, t.seed, t.status, t.worker, t.retries, t.last_epoch,
        t.checkpoint_uri, t.reason, t.created_at, t.started_at, t.finished_at, t.final_metrics
        """
    }

    private func trial(from row: Row) throws -> TrialRecord {
        let status = try decode(row.text(6), as: TrialRecord.Status.self, what: "trial \(row.int64(0)) has the unknown status")
        return TrialRecord(id: row.int64(0), sweepID: row.int64(1), family: row.text(2), number: row.int(3),
                           paramsJSON: row.text(4), seed: row.seed(5), status: status, worker: row.optionalText(7),
                           retries: row.int(8), lastEpoch: row.int(9), checkpointURI: row.optionalText(10),
                           reason: row.optionalText(11), createdAt: row.date(12), startedAt: row.optionalDate(13),
                           finishedAt: row.optionalDate(14),
                           finalMetrics: try row.optionalText(15).map {
                               try MetricsJSON.decode($0, context: "store \(location), trial \(row.int64(0)) final metrics")
                           })
    }

    /// Inserts a trial (its study must exist) and returns it with its global id: `trial.id`
    /// when positive (the head allocates ids as the store's only writer), else a new one.
    public func createTrial(_ trial: TrialRecord) throws -> TrialRecord {
        var created = trial
        created.id = try inserting(into: .trials, id: trial.id > 0 ? trial.id : nil) { id in
            try writeBatched("""
                INSERT INTO trials (id, sweep_id, family, number, params_json, seed, status, worker, retries, last_epoch,
                    checkpoint_uri, reason, created_at, started_at, finished_at, final_metrics)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [id, .integer(trial.sweepID), .text(trial.family), .int(trial.number), .text(trial.paramsJSON),
                      .seed(trial.seed), .text(trial.status.rawValue), .text(trial.worker), .int(trial.retries),
                      .int(trial.lastEpoch), .text(trial.checkpointURI), .text(trial.reason), .date(trial.createdAt),
                      .date(trial.startedAt), .date(trial.finishedAt), .text(trial.finalMetrics.map(MetricsJSON.encode))],
                purpose: "create trial \(trial.number) of study \(trial.family) in sweep \(trial.sweepID)")
        }
        return created
    }

    /// The largest trial id in the store (0 when there is none).
    public func largestTrialID() throws -> Int64 {
        try query("SELECT COALESCE(MAX(id), 0) FROM trials", [], purpose: "read the largest trial id") { $0.int64(0) }.first ?? 0
    }

    /// The trial with this id, or nil.
    public func trial(id: Int64) throws -> TrialRecord? {
        try query("SELECT \(Self.trialColumns) FROM trials t WHERE t.id = ?", [.integer(id)],
                  purpose: "read trial \(id)") { try trial(from: $0) }.first
    }

    /// The trials matching `query`, ordered by id.
    public func trials(matching query: TrialQuery) throws -> [TrialRecord] {
        let (sql, values) = query.selectStatement(columns: Self.trialColumns)
        return try self.query(sql, values, purpose: "list trials") { try trial(from: $0) }
    }

    /// Replaces a trial's mutable fields (everything except id, sweep, family, number).
    public func updateTrial(_ trial: TrialRecord) throws {
        try update("""
            UPDATE trials SET params_json = ?, seed = ?, status = ?, worker = ?, retries = ?, last_epoch = ?,
                checkpoint_uri = ?, reason = ?, created_at = ?, started_at = ?, finished_at = ?, final_metrics = ? WHERE id = ?
            """, [.text(trial.paramsJSON), .seed(trial.seed), .text(trial.status.rawValue), .text(trial.worker),
                  .int(trial.retries), .int(trial.lastEpoch), .text(trial.checkpointURI), .text(trial.reason),
                  .date(trial.createdAt), .date(trial.startedAt), .date(trial.finishedAt),
                  .text(trial.finalMetrics.map(MetricsJSON.encode)), .integer(trial.id)],
            purpose: "update trial \(trial.id)", missing: "there is no trial \(trial.id)")
    }
}
