import Foundation
import RungCore

extension SQLStore {
    private func epoch(from row: Row) throws -> EpochRecord {
        let trialID = row.int64(0), epoch = row.int(1)
        let metrics = try MetricsJSON.decode(row.text(3), context: "store \(location), trial \(trialID) epoch \(epoch)")
        return EpochRecord(trialID: trialID, epoch: epoch, seconds: row.optionalDouble(2) ?? .nan, metrics: metrics,
                           recordedAt: row.date(4))
    }

    /// Inserts epoch results in one transaction and returns how many were new; a result
    /// whose `(trialID, epoch)` is already stored is skipped.
    @discardableResult
    public func recordEpochs(_ epochs: [EpochRecord]) throws -> Int {
        guard !epochs.isEmpty else { return 0 }
        return try transaction {
            var inserted = 0
            var start = 0
            while start < epochs.count {
                let chunk = epochs[start..<min(start + dialect.epochRowsPerInsert, epochs.count)]
                var values: [SQLValue] = []
                values.reserveCapacity(chunk.count * 5)
                for epoch in chunk {
                    values += [.integer(epoch.trialID), .int(epoch.epoch), epoch.seconds.isNaN ? .null : .real(epoch.seconds),
                               .text(MetricsJSON.encode(epoch.metrics)), .date(epoch.recordedAt)]
                }
                let rows = Array(repeating: "(?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
                let first = chunk.first!, last = chunk.last!
                inserted += try write("""
                    INSERT INTO epoch_results (trial_id, epoch, seconds, metrics_json, recorded_at) VALUES \(rows)
                    ON CONFLICT (trial_id, epoch) DO NOTHING
                    """, values,
                    purpose: chunk.count == 1 ? "record epoch \(first.epoch) of trial \(first.trialID)"
                        : "record \(chunk.count) epoch results (trial \(first.trialID) epoch \(first.epoch) to trial \(last.trialID) epoch \(last.epoch))")
                start += chunk.count
            }
            return inserted
        }
    }

    /// A trial's epoch results, ordered by epoch.
    public func epochs(trialID: Int64) throws -> [EpochRecord] {
        try query("""
            SELECT trial_id, epoch, seconds, metrics_json, recorded_at FROM epoch_results
            WHERE trial_id = ? ORDER BY epoch
            """, [.integer(trialID)], purpose: "read the epochs of trial \(trialID)") { try epoch(from: $0) }
    }

    /// All epoch results of a sweep's trials (optionally of one family), ordered by trial id then epoch.
    public func epochs(sweepID: Int64, family: String?) throws -> [EpochRecord] {
        var sql = """
            SELECT e.trial_id, e.epoch, e.seconds, e.metrics_json, e.recorded_at FROM epoch_results e
            JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ?
            """
        var values: [SQLValue] = [.integer(sweepID)]
        if let family {
            sql += " AND t.family = ?"
            values.append(.text(family))
        }
        return try query(sql + " ORDER BY e.trial_id, e.epoch", values,
                         purpose: "read the epochs of sweep \(sweepID)") { try epoch(from: $0) }
    }
}
