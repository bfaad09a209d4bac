import Foundation
import RungCore

extension SQLiteStore: TrackingMarkStore {}
extension PostgresStore: TrackingMarkStore {}

extension SQLStore {
    /// The marks of one sweep (all sweeps when nil), ordered by sweep then trial id.
    public func trackingMarks(sweepID: Int64?) throws -> [TrackingMark] {
        let filter = sweepID == nil ? "" : " WHERE sweep_id = ?"
        return try query("SELECT sweep_id, trial_id, run_id, epochs, status FROM tracking_exports\(filter) ORDER BY sweep_id, trial_id",
                         sweepID.map { [.integer($0)] } ?? [], purpose: "read tracking export marks") { row in
            TrackingMark(sweepID: row.int64(0), trialID: row.int64(1), runID: row.text(2), epochs: row.int(3), status: row.text(4))
        }
    }

    /// Inserts or replaces each mark (keyed by sweep and trial id).
    public func saveTrackingMarks(_ marks: [TrackingMark]) throws {
        let now = Date()
        for mark in marks {
            try write("""
                INSERT INTO tracking_exports (sweep_id, trial_id, run_id, epochs, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (sweep_id, trial_id) DO UPDATE SET run_id = excluded.run_id, epochs = excluded.epochs,
                    status = excluded.status, updated_at = excluded.updated_at
                """, [.integer(mark.sweepID), .integer(mark.trialID), .text(mark.runID), .int(mark.epochs), .text(mark.status), .date(now)],
                purpose: "save the tracking export mark of sweep \(mark.sweepID) trial \(mark.trialID)")
        }
    }
}
