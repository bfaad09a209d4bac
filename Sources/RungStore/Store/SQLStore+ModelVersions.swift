import Foundation
import RungCore

extension SQLStore {
    private static var versionColumns: String { "family, version, stage, sweep_id, trial_id, uri, metrics_json, created_at" }

    private func modelVersion(from row: Row) throws -> ModelVersion {
        let family = row.text(0), version = row.int(1)
        let stage = try decode(row.text(2), as: ModelVersion.Stage.self, what: "model \(family)@\(version) has the unknown stage")
        let metrics = try MetricsJSON.decode(row.text(6), context: "store \(location), model \(family)@\(version)")
        return ModelVersion(family: family, version: version, stage: stage, sweepID: row.optionalInt64(3),
                            trialID: row.optionalInt64(4), uri: row.text(5), metrics: metrics, createdAt: row.date(7))
    }

    /// Inserts a model version numbered one more than the family's highest and returns it.
    public func createModelVersion(_ version: ModelVersion) throws -> ModelVersion {
        try transaction {
            let next = try query("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE family = ?",
                                 [.text(version.family)], purpose: "number a new version of model \(version.family)") {
                $0.int(0)
            }.first ?? 1
            var created = version
            created.version = next
            try write("INSERT INTO model_versions (\(Self.versionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      [.text(created.family), .int(next), .text(created.stage.rawValue), .integer(created.sweepID),
                       .integer(created.trialID), .text(created.uri), .text(MetricsJSON.encode(created.metrics)),
                       .date(created.createdAt)],
                      purpose: "register model \(created.family)@\(next)")
            return created
        }
    }

    /// The version `(family, version)`, or nil.
    public func modelVersion(family: String, version: Int) throws -> ModelVersion? {
        try query("SELECT \(Self.versionColumns) FROM model_versions WHERE family = ? AND version = ?",
                  [.text(family), .int(version)], purpose: "read model \(family)@\(version)") {
            try modelVersion(from: $0)
        }.first
    }

    /// The versions of a family (or of every family), ordered by family then version.
    public func modelVersions(family: String?) throws -> [ModelVersion] {
        if let family {
            return try query("SELECT \(Self.versionColumns) FROM model_versions WHERE family = ? ORDER BY version",
                             [.text(family)], purpose: "list the versions of model \(family)") {
                try modelVersion(from: $0)
            }
        }
        return try query("SELECT \(Self.versionColumns) FROM model_versions ORDER BY family, version", [],
                         purpose: "list model versions") { try modelVersion(from: $0) }
    }

    /// Replaces a version's stage, sweep and trial ids, uri and metrics.
    public func updateModelVersion(_ version: ModelVersion) throws {
        try update("""
            UPDATE model_versions SET stage = ?, sweep_id = ?, trial_id = ?, uri = ?, metrics_json = ?, created_at = ?
            WHERE family = ? AND version = ?
            """, [.text(version.stage.rawValue), .integer(version.sweepID), .integer(version.trialID),
                  .text(version.uri), .text(MetricsJSON.encode(version.metrics)), .date(version.createdAt),
                  .text(version.family), .int(version.version)],
            purpose: "update model \(version.family)@\(version.version)",
            missing: "there is no model \(version.family)@\(version.version)")
    }
}
