import Foundation
import RungCore

/// The `Store` on one SQLite file (`sqlite:PATH`): WAL journal, `synchronous=FULL` by
/// default (a committed write survives a power cut; see `Durability`), foreign keys on, a 5 s busy timeout, prepared
/// statements cached, and versioned migrations in `schema_migrations`.
///
/// Single writer: a writable store holds an exclusive `flock` on `PATH.lock` for its whole
/// life, so a second head on the same file is refused with "store … is in use by another
/// head (pid …)". Read-only stores take no lock and can be opened while the head runs.
///
/// Confinement: an instance is used only on the thread that opened it; it is deliberately
/// not `Sendable`.
public final class SQLiteStore: SQLStore {
    /// How hard a commit tries to reach the disk.
    public enum Durability: String, Sendable {
        /// `synchronous=FULL`: every commit is flushed (survives a power cut); a few ms each
        /// on an ordinary disk, so batch writes into transactions.
        case full
        /// `synchronous=NORMAL`: a commit survives a crash of the process but the last
        /// commits may be lost in a power cut; no flush per commit.
        case normal
    }

    /// The database file (absolute), or `:memory:`.
    public let path: String
    /// The store's location as a URL, e.g. `sqlite:/var/lib/rung/rung.db`, or `label`.
    public var location: String { label ?? "sqlite:" + path }
    /// What `location` says instead of the path, for an in-memory copy of another store's
    /// records (what `--head` reads show as their store).
    public var label: String?
    /// Whether the store was opened read-only.
    public let isReadOnly: Bool

    let db: SQLiteDatabase
    let dialect = SQLDialect.sqlite
    private var lock: WriterLock?
    private var transactionDepth = 0

    /// Opens the store named by a `sqlite:PATH` URL (see `StoreURL`).
    public convenience init(url: String, readOnly: Bool = false, durability: Durability = .full) throws {
        let parsed = try StoreURL(parsing: url)
        guard case .sqlite(let path) = parsed else {
            throw RungError.usage("store URL \(parsed) is not a sqlite:PATH URL")
        }
        try self.init(path: path, readOnly: readOnly, durability: durability)
    }

    /// Opens the SQLite store at `path` (relative to the current directory; `:memory:` for
    /// a private in-memory store). A writable store creates the file and its parent
    /// directories, takes the writer lock and applies pending migrations; a read-only store
    /// requires an existing store whose schema this binary knows.
    public init(path rawPath: String, readOnly: Bool = false, durability: Durability = .full) throws {
        let inMemory = rawPath == ":memory:"
        let path = inMemory ? rawPath : URL(fileURLWithPath: rawPath).standardizedFileURL.path
        let description = "sqlite:" + path
        var lock: WriterLock?
        if !inMemory {
            let fileManager = FileManager.default
            if readOnly {
                guard fileManager.fileExists(atPath: path) else {
                    throw RungError.badInput("store \(description) does not exist")
                }
            } else {
                let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
                do {
                    try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
                } catch {
                    throw RungError.unavailable("cannot create the directory \(parent.path) for store \(description): \(error.localizedDescription)")
                }
                lock = try WriterLock(path: path + ".lock", storeDescription: description)
            }
        }
        let db = try SQLiteDatabase(path: path, readOnly: readOnly && !inMemory)
        try Self.configure(db, readOnly: readOnly && !inMemory, inMemory: inMemory, durability: durability)
        self.path = path
        self.isReadOnly = readOnly
        self.db = db
        self.lock = lock
        if readOnly && !inMemory {
            try checkSchema()
        } else {
            try migrate()
        }
    }

    deinit { close() }

    /// Closes the connection and releases the writer lock.
    public func close() {
        db.close()
        lock?.release()
        lock = nil
    }

    /// The schema version recorded in the store.
    public func schemaVersion() throws -> Int { try appliedVersion() }

    /// The newest schema version this binary knows.
    public static var latestSchemaVersion: Int { SQLSchema.latestVersion }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE` on a writable store; a nested one
    /// is a savepoint).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let depth = transactionDepth
        if depth == 0 {
            try db.execute(isReadOnly ? "BEGIN" : "BEGIN IMMEDIATE", purpose: "begin a transaction")
        } else {
            try db.execute("SAVEPOINT rung_\(depth)", purpose: "begin a nested transaction")
        }
        transactionDepth += 1
        let result: T
        do {
            result = try body()
        } catch {
            transactionDepth -= 1
            if depth == 0 {
                try? db.execute("ROLLBACK", purpose: "roll back a transaction")
            } else {
                try? db.execute("ROLLBACK TO rung_\(depth); RELEASE rung_\(depth)", purpose: "roll back a nested transaction")
            }
            throw error
        }
        transactionDepth -= 1
        do {
            if depth == 0 {
                try db.execute("COMMIT", purpose: "commit a transaction")
            } else {
                try db.execute("RELEASE rung_\(depth)", purpose: "commit a nested transaction")
            }
        } catch {
            if depth == 0, db.inTransaction { try? db.execute("ROLLBACK", purpose: "roll back a transaction") }
            throw error
        }
        return result
    }

    // MARK: - Statements (`SQLStore`)

    /// Runs a statement that returns no rows and returns the number of rows it changed.
    func run(_ sql: String, _ values: [SQLValue], purpose: String) throws -> Int {
        try db.run(sql, values, purpose: purpose)
    }

    /// Runs the statement at once (SQLite has no round trips to save).
    func runBatched(_ sql: String, _ values: [SQLValue], purpose: String, missing: String?) throws {
        if try run(sql, values, purpose: purpose) == 0, let missing {
            throw RungError.badInput("cannot \(purpose) in store \(location): \(missing)")
        }
    }

    /// Runs a query and maps every row.
    func query<T>(_ sql: String, _ values: [SQLValue], purpose: String,
                  _ map: (SQLiteDatabase.Row) throws -> T) throws -> [T] {
        try db.query(sql, values, purpose: purpose, map)
    }

    /// Inserts with `requested` as the id, or with NULL, which SQLite replaces by the next
    /// rowid, and returns the id.
    func inserting(into table: SQLStoreTable, id requested: Int64?, _ insert: (SQLValue) throws -> Void) throws -> Int64 {
        try insert(requested.map { .integer($0) } ?? .null)
        return requested ?? db.lastInsertRowID
    }

    // MARK: - Opening

    private static func configure(_ db: SQLiteDatabase, readOnly: Bool, inMemory: Bool, durability: Durability) throws {
        try db.execute("PRAGMA busy_timeout = 5000", purpose: "set the busy timeout")
        if readOnly {
            try db.execute("PRAGMA query_only = ON", purpose: "make the connection read-only")
            // Reading the schema here turns "not a database" into a clear error at open time.
            _ = try db.query("SELECT count(*) FROM sqlite_master", purpose: "read the schema") { $0.int64(0) }
            return
        }
        if !inMemory {
            let mode = try db.query("PRAGMA journal_mode = WAL", purpose: "switch the journal to WAL") { $0.text(0) }
            guard mode.first?.lowercased() == "wal" else {
                throw RungError.unavailable("store sqlite:\(db.path) cannot use a write-ahead log (journal mode is \(mode.first ?? "unknown"))")
            }
        }
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        try db.execute("PRAGMA synchronous = \(synchronous); PRAGMA foreign_keys = ON", purpose: "configure the connection")
    }

    /// Applies pending migrations, each in one `BEGIN IMMEDIATE` transaction.
    private func migrate() throws {
        try db.execute(SQLSchema.migrationsTable(.sqlite), purpose: "create the migrations table")
        try applyPendingMigrations { migration, purpose in
            try db.execute("BEGIN IMMEDIATE", purpose: purpose)
            do {
                // Re-check inside the transaction in case another process migrated meanwhile.
                if try appliedVersion() >= migration.version {
                    try db.execute("COMMIT", purpose: purpose)
                    return
                }
                try db.execute(migration.sql(for: .sqlite), purpose: purpose)
                try db.run(SQLSchema.recordStatement, migration.recordValues, purpose: purpose)
                try db.execute("COMMIT", purpose: purpose)
            } catch {
                if db.inTransaction { try? db.execute("ROLLBACK", purpose: purpose) }
                throw error
            }
        }
    }
}
