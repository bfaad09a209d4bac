import Foundation
import RungCore

extension SQLiteStore {
    private func epoch(from row: SQLiteDatabase.Row) throws -> EpochRecord {
        let trialID = row.int64(0), epoch = row.int(1)
        let metrics = try MetricsJSON.decode(row.text(3), context: "store \(location), trial \(trialID) epoch \(epoch)")
        return EpochRecord(trialID: trialID, epoch: epoch, seconds: row.optionalDouble(2) ?? .nan, metrics: metrics,
                           recordedAt: row.date(4))
    }

    @discardableResult
    public func recordEpochs(_ epochs: [EpochRecord]) throws -> Int {
        guard !epochs.isEmpty else { return 0 }
        return try transaction {
            var inserted = 0
            for epoch in epochs {
                inserted += try write("""
                    INSERT INTO epoch_results (trial_id, epoch, seconds, metrics_json, recorded_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (trial_id, epoch) DO NOTHING
                    """, [.integer(epoch.trialID), .int(epoch.epoch),
                          epoch.seconds.isNaN ? .null : .real(epoch.seconds),
                          .text(MetricsJSON.encode(epoch.metrics)), .date(epoch.recordedAt)],
                    purpose: "record epoch \(epoch.epoch) of trial \(epoch.trialID)")
            }
            return inserted
        }
    }

    public func epochs(trialID: Int64) throws -> [EpochRecord] {
        try db.query("""
            SELECT trial_id, epoch, seconds, metrics_json, recorded_at FROM epoch_results
            WHERE trial_id = ? ORDER BY epoch
            """, [.integer(trialID)], purpose: "read the epochs of trial \(trialID)") { try epoch(from: $0) }
    }

    public func epochs(sweepID: Int64, family: String?) throws -> [EpochRecord] {
        var sql = """
            SELECT e.trial_id, e.epoch, e.seconds, e.metrics_json, e.recorded_at FROM epoch_results e
            JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ?
            """
        var values: [SQLiteDatabase.Value] = [.integer(sweepID)]
        if let family {
            sql += " AND t.family = ?"
            values.append(.text(family))
        }
        return try db.query(sql + " ORDER BY e.trial_id, e.epoch", values,
                            purpose: "read the epochs of sweep \(sweepID)") { try epoch(from: $0) }
    }
}
