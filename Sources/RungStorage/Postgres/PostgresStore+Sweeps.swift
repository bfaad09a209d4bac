import Foundation
import RungCore

extension PostgresStore {
    private static let sweepColumns = "id, name, encode(config_yaml, 'hex'), seed, status, data_version, created_at, finished_at, message"

    private func sweep(from row: PostgresConnection.Row) throws -> SweepRecord {
        let statusText = row.text(4)
        guard let status = SweepRecord.Status(rawValue: statusText) else {
            throw RungError.badInput("store \(location): sweep \(row.int64(0)) has the unknown status \(statusText)")
        }
        return SweepRecord(id: row.int64(0), name: row.text(1), configYAML: row.hexText(2), seed: row.seed(3),
                           status: status, dataVersion: row.optionalText(5), createdAt: row.date(6),
                           finishedAt: row.optionalDate(7), message: row.optionalText(8))
    }

    public func createSweep(_ sweep: SweepRecord) throws -> SweepRecord {
        if depth(is: 0) { return try transaction { try createSweep(sweep) } }
        let id = reserveSweepID()
        try write("""
            INSERT INTO sweeps (id, name, config_yaml, seed, status, data_version, created_at, finished_at, message)
            VALUES (?, ?, decode(?, 'hex'), ?, ?, ?, ?, ?, ?)
            """, [.integer(id), .text(sweep.name), .hex(sweep.configYAML), .seed(sweep.seed), .text(sweep.status.rawValue),
                  .text(sweep.dataVersion), .date(sweep.createdAt), .date(sweep.finishedAt), .text(sweep.message)],
            purpose: "create sweep \(sweep.name)")
        var created = sweep
        created.id = id
        return created
    }

    public func sweep(id: Int64) throws -> SweepRecord? {
        try query("SELECT \(Self.sweepColumns) FROM sweeps WHERE id = ?", [.integer(id)],
                     purpose: "read sweep \(id)") { try sweep(from: $0) }.first
    }

    public func sweeps(statuses: Set<SweepRecord.Status>?) throws -> [SweepRecord] {
        var sql = "SELECT \(Self.sweepColumns) FROM sweeps"
        var values: [PostgresConnection.Value] = []
        if let statuses {
            sql += " WHERE status IN (\(Self.placeholders(statuses.count)))"
            values = statuses.map(\.rawValue).sorted().map { .text($0) }
        }
        return try query(sql + " ORDER BY id", values, purpose: "list sweeps") { try sweep(from: $0) }
    }

    public func updateSweep(_ sweep: SweepRecord) throws {
        try update("""
            UPDATE sweeps SET name = ?, config_yaml = decode(?, 'hex'), seed = ?, status = ?, data_version = ?, created_at = ?,
                finished_at = ?, message = ? WHERE id = ?
            """, [.text(sweep.name), .hex(sweep.configYAML), .seed(sweep.seed), .text(sweep.status.rawValue),
                  .text(sweep.dataVersion), .date(sweep.createdAt), .date(sweep.finishedAt), .text(sweep.message),
                  .integer(sweep.id)],
            purpose: "update sweep \(sweep.id)", missing: "there is no sweep \(sweep.id)")
    }
}
