import Foundation
import RungCore

extension PostgresStore {
    private static let workerColumns = "name, host, slots, status, first_seen, last_seen"

    private func worker(from row: PostgresConnection.Row) throws -> WorkerRecord {
        let statusText = row.text(3)
        guard let status = WorkerRecord.Status(rawValue: statusText) else {
            throw RungError.badInput("store \(location): worker \(row.text(0)) has the unknown status \(statusText)")
        }
        return WorkerRecord(name: row.text(0), host: row.text(1), slots: row.int(2), status: status,
                            firstSeen: row.date(4), lastSeen: row.date(5))
    }

    public func createWorker(_ worker: WorkerRecord) throws {
        try write("INSERT INTO workers (\(Self.workerColumns)) VALUES (?, ?, ?, ?, ?, ?)",
                  [.text(worker.name), .text(worker.host), .int(worker.slots), .text(worker.status.rawValue),
                   .date(worker.firstSeen), .date(worker.lastSeen)],
                  purpose: "create worker \(worker.name)")
    }

    public func worker(name: String) throws -> WorkerRecord? {
        try query("SELECT \(Self.workerColumns) FROM workers WHERE name = ?", [.text(name)],
                     purpose: "read worker \(name)") { try worker(from: $0) }.first
    }

    public func workers(statuses: Set<WorkerRecord.Status>?) throws -> [WorkerRecord] {
        var sql = "SELECT \(Self.workerColumns) FROM workers"
        var values: [PostgresConnection.Value] = []
        if let statuses {
            sql += " WHERE status IN (\(Self.placeholders(statuses.count)))"
            values = statuses.map(\.rawValue).sorted().map { .text($0) }
        }
        return try query(sql + " ORDER BY name", values, purpose: "list workers") { try worker(from: $0) }
    }

    public func updateWorker(_ worker: WorkerRecord) throws {
        try update("UPDATE workers SET host = ?, slots = ?, status = ?, first_seen = ?, last_seen = ? WHERE name = ?",
                   [.text(worker.host), .int(worker.slots), .text(worker.status.rawValue), .date(worker.firstSeen),
                    .date(worker.lastSeen), .text(worker.name)],
                   purpose: "update worker \(worker.name)", missing: "there is no worker \(worker.name)")
    }

    public func saveWorker(_ worker: WorkerRecord) throws {
        try write("""
            INSERT INTO workers (\(Self.workerColumns)) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET host = excluded.host, slots = excluded.slots, status = excluded.status,
                last_seen = excluded.last_seen
            """, [.text(worker.name), .text(worker.host), .int(worker.slots), .text(worker.status.rawValue),
                  .date(worker.firstSeen), .date(worker.lastSeen)],
            purpose: "save worker \(worker.name)")
    }
}
