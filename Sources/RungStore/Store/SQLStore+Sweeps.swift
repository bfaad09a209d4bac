import Foundation
import RungCore

extension SQLStore {
    private var sweepColumns: String {
        "id, name, \(dialect.selectBytes("config_yaml")), seed, status, data_version, created_at, finished_at, message, data_uri"
    }

    private func sweep(from row: Row) throws -> SweepRecord {
        let status = try decode(row.text(4), as: SweepRecord.Status.self, what: "sweep \(row.int64(0)) has the unknown status")
        return SweepRecord(id: row.int64(0), name: row.text(1), configYAML: dialect.bytesText(row.text(2)), seed: row.seed(3),
                           status: status, dataVersion: row.optionalText(5), createdAt: row.date(6),
                           finishedAt: row.optionalDate(7), message: row.optionalText(8), dataURI: row.optionalText(9))
    }

    /// Inserts a sweep and returns it with its id: `sweep.id` when positive (a copy of a
    /// sweep kept elsewhere), else a new one.
    public func createSweep(_ sweep: SweepRecord) throws -> SweepRecord {
        var created = sweep
        created.id = try inserting(into: .sweeps, id: sweep.id > 0 ? sweep.id : nil) { id in
            try write("""
                INSERT INTO sweeps (id, name, config_yaml, seed, status, data_version, created_at, finished_at, message, data_uri)
                VALUES (?, ?, \(dialect.bytesParameter), ?, ?, ?, ?, ?, ?, ?)
                """, [id, .text(sweep.name), dialect.bytesValue(sweep.configYAML), .seed(sweep.seed),
                      .text(sweep.status.rawValue), .text(sweep.dataVersion), .date(sweep.createdAt),
                      .date(sweep.finishedAt), .text(sweep.message), .text(sweep.dataURI)],
                purpose: "create sweep \(sweep.name)")
        }
        return created
    }

    /// The sweep with this id, or nil.
    public func sweep(id: Int64) throws -> SweepRecord? {
        try query("SELECT \(sweepColumns) FROM sweeps WHERE id = ?", [.integer(id)],
                  purpose: "read sweep \(id)") { try sweep(from: $0) }.first
    }

    /// Sweeps (all, or those in `statuses`), ordered by id.
    public func sweeps(statuses: Set<SweepRecord.Status>?) throws -> [SweepRecord] {
        let filter = statuses.map { SQLValue.membership("status", in: $0) }
        return try query("SELECT \(sweepColumns) FROM sweeps\(filter.map { " WHERE " + $0.sql } ?? "") ORDER BY id",
                         filter?.values ?? [], purpose: "list sweeps") { try sweep(from: $0) }
    }

    /// Replaces a sweep's name, config, seed, status, data version and location, timestamps and message.
    public func updateSweep(_ sweep: SweepRecord) throws {
        try update("""
            UPDATE sweeps SET name = ?, config_yaml = \(dialect.bytesParameter), seed = ?, status = ?, data_version = ?,
                created_at = ?, finished_at = ?, message = ?, data_uri = ? WHERE id = ?
            """, [.text(sweep.name), dialect.bytesValue(sweep.configYAML), .seed(sweep.seed), .text(sweep.status.rawValue),
                  .text(sweep.dataVersion), .date(sweep.createdAt), .date(sweep.finishedAt), .text(sweep.message),
                  .text(sweep.dataURI), .integer(sweep.id)],
            purpose: "update sweep \(sweep.id)", missing: "there is no sweep \(sweep.id)")
    }
}
