import Foundation
import RungCore

/// A `Store` on a SQL database. Each entity's mapping and SQL (the `SQLStore+…` files) and
/// the schema checks are written once over the three statement kinds below; what really
/// differs stays with the backend: how a statement runs (SQLite's cached statements;
/// PostgreSQL's journal, replay on reconnect and commit sequence), who assigns new ids,
/// locking and migration transactions.
protocol SQLStore: Store {
    /// The row type the backend's queries produce.
    associatedtype Row: SQLRow

    /// The SQL the database speaks; statements are written with `?` placeholders.
    var dialect: SQLDialect { get }

    /// Runs a statement that returns no rows and returns the number of rows it changed
    /// (callers use `write`, which first refuses on a read-only store).
    func run(_ sql: String, _ values: [SQLValue], purpose: String) throws -> Int

    /// Runs a write statement whose changed-row count the caller does not read. A backend
    /// may hold it and send it together with the statements that follow (PostgreSQL does:
    /// one round trip per batch), but always before the transaction's next read and before
    /// its commit. With `missing`, a statement that changes no row fails with `badInput`
    /// "cannot <purpose> in store <location>: <missing>", at the latest when its transaction
    /// commits (which then rolls back), as an error from any statement of the batch does.
    func runBatched(_ sql: String, _ values: [SQLValue], purpose: String, missing: String?) throws

    /// Runs a query and maps every row.
    func query<T>(_ sql: String, _ values: [SQLValue], purpose: String, _ map: (Row) throws -> T) throws -> [T]

    /// Runs `insert` (which writes one new row of `table`) with the id value to insert, and
    /// returns the new row's id: `requested` when given, else NULL and the rowid SQLite
    /// assigned, or an id PostgreSQL's store reserved (inside a transaction, so a rollback
    /// frees it).
    func inserting(into table: SQLStoreTable, id requested: Int64?, _ insert: (SQLValue) throws -> Void) throws -> Int64
}

/// A table whose ids the store assigns.
enum SQLStoreTable {
    /// `sweeps.id`.
    case sweeps
    /// `trials.id`.
    case trials
}

extension SQLStore {
    /// Runs a write statement, refusing on a read-only store.
    @discardableResult
    func write(_ sql: String, _ values: [SQLValue], purpose: String) throws -> Int {
        guard !isReadOnly else {
            throw RungError.usage("cannot \(purpose) in store \(location): it was opened read-only")
        }
        return try run(sql, values, purpose: purpose)
    }

    /// Runs a write statement whose result is not read (see `runBatched`), refusing on a
    /// read-only store.
    func writeBatched(_ sql: String, _ values: [SQLValue], purpose: String, missing: String? = nil) throws {
        guard !isReadOnly else {
            throw RungError.usage("cannot \(purpose) in store \(location): it was opened read-only")
        }
        try runBatched(sql, values, purpose: purpose, missing: missing)
    }

    /// Runs an UPDATE that fails if it matched no row (possibly batched, see `runBatched`).
    func update(_ sql: String, _ values: [SQLValue], purpose: String, missing: String) throws {
        try writeBatched(sql, values, purpose: purpose, missing: missing)
    }

    /// A record's status (or stage) column, or a `badInput` error naming the row.
    func decode<Value: RawRepresentable<String>>(_ text: String, as type: Value.Type, what: String) throws -> Value {
        guard let value = Value(rawValue: text) else {
            throw RungError.badInput("store \(location): \(what) \(text)")
        }
        return value
    }

    // MARK: - Schema version

    /// The schema version recorded in the store (0 when it has no migrations table).
    func appliedVersion() throws -> Int {
        let exists = try query(dialect.migrationsTableExists, [], purpose: "look for the migrations table") { $0.int64(0) }
        guard exists.first == 1 else { return 0 }
        return try query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [],
                         purpose: "read the schema version") { $0.int(0) }.first ?? 0
    }

    /// Throws if the store's schema is newer than this binary knows.
    func checkNotNewer(_ version: Int) throws {
        if version > SQLSchema.latestVersion {
            throw RungError.unavailable("store \(location) has schema version \(version), newer than the \(SQLSchema.latestVersion) this rung \(RungVersion.string) knows; upgrade rung to use it")
        }
    }

    /// For a read-only open: throws unless the store has exactly the newest schema.
    func checkSchema() throws {
        let version = try appliedVersion()
        try checkNotNewer(version)
        if version == 0 {
            throw RungError.badInput("store \(location) is not a rung store (it has no schema_migrations table)")
        }
        if version < SQLSchema.latestVersion {
            throw RungError.unavailable("store \(location) has schema version \(version), older than \(SQLSchema.latestVersion); open it once with `rung head` or `rung run` to migrate it")
        }
    }

    /// Calls `apply` with each migration newer than the store's version, in order, and the
    /// purpose to name in its errors; `apply` runs it in a transaction of the backend's.
    func applyPendingMigrations(_ apply: (SQLSchema.Migration, String) throws -> Void) throws {
        let current = try appliedVersion()
        try checkNotNewer(current)
        for migration in SQLSchema.migrations where migration.version > current {
            try apply(migration, "apply migration \(migration.version) (\(migration.name))")
        }
    }
}
