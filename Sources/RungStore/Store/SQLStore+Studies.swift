import Foundation
import RungCore

extension SQLStore {
    private static func study(from row: Row) -> StudyRecord {
        StudyRecord(sweepID: row.int64(0), family: row.text(1), trialBudget: row.int(2), createdAt: row.date(3))
    }

    /// Inserts a study; its sweep must exist and `(sweepID, family)` must be new.
    public func createStudy(_ study: StudyRecord) throws {
        try write("INSERT INTO studies (sweep_id, family, trial_budget, created_at) VALUES (?, ?, ?, ?)",
                  [.integer(study.sweepID), .text(study.family), .int(study.trialBudget), .date(study.createdAt)],
                  purpose: "create study \(study.family) of sweep \(study.sweepID)")
    }

    /// The study `(sweepID, family)`, or nil.
    public func study(sweepID: Int64, family: String) throws -> StudyRecord? {
        try query("SELECT sweep_id, family, trial_budget, created_at FROM studies WHERE sweep_id = ? AND family = ?",
                  [.integer(sweepID), .text(family)],
                  purpose: "read study \(family) of sweep \(sweepID)", Self.study(from:)).first
    }

    /// The studies of a sweep, ordered by family.
    public func studies(sweepID: Int64) throws -> [StudyRecord] {
        try query("SELECT sweep_id, family, trial_budget, created_at FROM studies WHERE sweep_id = ? ORDER BY family",
                  [.integer(sweepID)], purpose: "list the studies of sweep \(sweepID)", Self.study(from:))
    }

    /// Replaces a study's trial budget.
    public func updateStudy(_ study: StudyRecord) throws {
        try update("UPDATE studies SET trial_budget = ? WHERE sweep_id = ? AND family = ?",
                   [.int(study.trialBudget), .integer(study.sweepID), .text(study.family)],
                   purpose: "update study \(study.family) of sweep \(study.sweepID)",
                   missing: "there is no study \(study.family) in sweep \(study.sweepID)")
    }
}
