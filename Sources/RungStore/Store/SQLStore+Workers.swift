import Foundation
import RungCore

extension SQLStore {
    private static var workerColumns: String { "name, host, slots, status, first_seen, last_seen" }

    private func worker(from row: Row) throws -> WorkerRecord {
        let status = try decode(row.text(3), as: WorkerRecord.Status.self, what: "worker \(row.text(0)) has the unknown status")
        return WorkerRecord(name: row.text(0), host: row.text(1), slots: row.int(2), status: status,
                            firstSeen: row.date(4), lastSeen: row.date(5))
    }

    private static func values(of worker: WorkerRecord) -> [SQLValue] {
        [.text(worker.name), .text(worker.host), .int(worker.slots), .text(worker.status.rawValue),
         .date(worker.firstSeen), .date(worker.lastSeen)]
    }

    /// Inserts a worker; its name must be new.
    public func createWorker(_ worker: WorkerRecord) throws {
        try write("INSERT INTO workers (\(Self.workerColumns)) VALUES (?, ?, ?, ?, ?, ?)", Self.values(of: worker),
                  purpose: "create worker \(worker.name)")
    }

    /// The worker with this name, or nil.
    public func worker(name: String) throws -> WorkerRecord? {
        try query("SELECT \(Self.workerColumns) FROM workers WHERE name = ?", [.text(name)],
                  purpose: "read worker \(name)") { try worker(from: $0) }.first
    }

    /// Workers (all, or those in `statuses`), ordered by name.
    public func workers(statuses: Set<WorkerRecord.Status>?) throws -> [WorkerRecord] {
        let filter = statuses.map { SQLValue.membership("status", in: $0) }
        return try query("SELECT \(Self.workerColumns) FROM workers\(filter.map { " WHERE " + $0.sql } ?? "") ORDER BY name",
                         filter?.values ?? [], purpose: "list workers") { try worker(from: $0) }
    }

    /// Replaces a worker's host, slots, status and timestamps.
    public func updateWorker(_ worker: WorkerRecord) throws {
        try update("UPDATE workers SET host = ?, slots = ?, status = ?, first_seen = ?, last_seen = ? WHERE name = ?",
                   [.text(worker.host), .int(worker.slots), .text(worker.status.rawValue), .date(worker.firstSeen),
                    .date(worker.lastSeen), .text(worker.name)],
                   purpose: "update worker \(worker.name)", missing: "there is no worker \(worker.name)")
    }

    /// Inserts the worker or, if its name exists, updates it keeping the first `firstSeen`.
    public func saveWorker(_ worker: WorkerRecord) throws {
        try writeBatched("""
            INSERT INTO workers (\(Self.workerColumns)) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET host = excluded.host, slots = excluded.slots, status = excluded.status,
                last_seen = excluded.last_seen
            """, Self.values(of: worker), purpose: "save worker \(worker.name)")
    }
}
