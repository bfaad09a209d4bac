import Foundation
import RungCore

extension PostgresStore {
    private static let trialColumns = """
        t.id, t.sweep_id, t.family, t.number, t.params_json, t.seed, t.status, t.worker, t.retries, t.last_epoch,
        t.checkpoint_uri, t.reason, t.created_at, t.started_at, t.finished_at, t.final_metrics
        """

    private func trial(from row: PostgresConnection.Row) throws -> TrialRecord {
        let statusText = row.text(6)
        guard let status = TrialRecord.Status(rawValue: statusText) else {
            throw RungError.badInput("store \(location): trial \(row.int64(0)) has the unknown status \(statusText)")
        }
        return TrialRecord(id: row.int64(0), sweepID: row.int64(1), family: row.text(2), number: row.int(3),
                           paramsJSON: row.text(4), seed: row.seed(5), status: status, worker: row.optionalText(7),
                           retries: row.int(8), lastEpoch: row.int(9), checkpointURI: row.optionalText(10),
                           reason: row.optionalText(11), createdAt: row.date(12), startedAt: row.optionalDate(13),
                           finishedAt: row.optionalDate(14),
                           finalMetrics: try row.optionalText(15).map {
                               try MetricsJSON.decode($0, context: "store \(location), trial \(row.int64(0)) final metrics")
                           })
    }

    public func createTrial(_ trial: TrialRecord) throws -> TrialRecord {
        if depth(is: 0) { return try transaction { try createTrial(trial) } }
        let id = reserveTrialID(trial.id)
        try write("""
            INSERT INTO trials (id, sweep_id, family, number, params_json, seed, status, worker, retries, last_epoch,
                checkpoint_uri, reason, created_at, started_at, finished_at, final_metrics)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(id), .integer(trial.sweepID), .text(trial.family), .int(trial.number), .text(trial.paramsJSON),
                  .seed(trial.seed), .text(trial.status.rawValue), .text(trial.worker), .int(trial.retries),
                  .int(trial.lastEpoch), .text(trial.checkpointURI), .text(trial.reason), .date(trial.createdAt),
                  .date(trial.startedAt), .date(trial.finishedAt), .text(trial.finalMetrics.map(MetricsJSON.encode))],
            purpose: "create trial \(trial.number) of study \(trial.family) in sweep \(trial.sweepID)")
        var created = trial
        created.id = id
        return created
    }

    public func largestTrialID() throws -> Int64 {
        try query("SELECT COALESCE(MAX(id), 0) FROM trials", [], purpose: "read the largest trial id") { $0.int64(0) }.first ?? 0
    }

    public func trial(id: Int64) throws -> TrialRecord? {
        try query("SELECT \(Self.trialColumns) FROM trials t WHERE t.id = ?", [.integer(id)],
                     purpose: "read trial \(id)") { try trial(from: $0) }.first
    }

    public func trials(matching query: TrialQuery) throws -> [TrialRecord] {
        let (sql, values) = query.selectStatement(columns: Self.trialColumns)
        return try self.query(sql, values, purpose: "list trials") { try trial(from: $0) }
    }

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
