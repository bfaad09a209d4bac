import Foundation
import RungCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `Store` on a PostgreSQL database (`postgresql://user:password@host:5432/db`), with
/// the SQLite store's records, ordering and errors, and versioned migrations in
/// `schema_migrations`.
///
/// Single writer: a writable store holds the session advisory lock
/// `PostgresStore.advisoryLockKey` for its whole life, so a second head on the same
/// database is refused with "store … is in use by another head (…)". Read-only stores take
/// no lock and run every transaction read-only.
///
/// Connection loss: the writer keeps a journal of the write statements of the current
/// transaction. When a statement or the `COMMIT` fails because the connection is gone, it
/// reconnects with jittered exponential backoff (forever; one line per attempt on stderr),
/// takes the lock again, replays the journal and carries on, so the caller never sees the
/// drop. Ids are assigned by the store, so a replay writes the same rows; each writing
/// transaction also stores its sequence number in `rung_commit_seq`, which tells after a
/// drop during `COMMIT` whether the commit happened. A read-only store retries for
/// `Options.readRetrySeconds`, then throws `RungError.unavailable`.
///
/// Confinement: an instance is used only on the thread that opened it; it is deliberately
/// not `Sendable`.
public final class PostgresStore: SQLStore {
    /// Retry and logging settings.
    public struct Options: Sendable {
        /// How long opening the store keeps trying an unreachable server.
        public var openRetrySeconds: Double
        /// How long a read-only store keeps trying after losing its connection.
        public var readRetrySeconds: Double
        /// The first reconnect delay; it doubles per attempt up to `maxBackoffSeconds`.
        public var initialBackoffSeconds: Double
        /// The longest delay between two reconnect attempts.
        public var maxBackoffSeconds: Double
        /// libpq's `connect_timeout` for one attempt (a URI parameter overrides it).
        public var connectTimeoutSeconds: Int
        /// Where reconnect lines go (standard error by default); never given a password.
        public var log: @Sendable (String) -> Void

        /// Creates options; the defaults suit a head.
        public init(openRetrySeconds: Double = 5, readRetrySeconds: Double = 30, initialBackoffSeconds: Double = 0.1,
                    maxBackoffSeconds: Double = 5, connectTimeoutSeconds: Int = 5,
                    log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
            self.openRetrySeconds = openRetrySeconds
            self.readRetrySeconds = readRetrySeconds
            self.initialBackoffSeconds = initialBackoffSeconds
            self.maxBackoffSeconds = maxBackoffSeconds
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.log = log
        }
    }

    /// The advisory-lock key a writable store holds ("rungstor" in ASCII).
    public static let advisoryLockKey: Int64 = 0x7275_6E67_7374_6F72

    /// The store's URL with the password masked.
    public var location: String { target.masked }
    /// Whether the store was opened read-only.
    public let isReadOnly: Bool
    /// How many times the store lost its connection and reconnected.
    public private(set) var reconnections = 0
    /// Round trips to the server for statements and commits since the store opened
    /// (tests check that a loop pass's writes go in one batch).
    private(set) var roundTrips = 0
    /// Batches sent (each may have been retried after a lost connection).
    private var batchesSent = 0

    let target: PostgresTarget
    let dialect = SQLDialect.postgresql
    let options: Options
    private let applicationName: String
    private var connection: PostgresConnection?
    private var closed = false

    private enum JournalKind { case none, control, write }
    private struct Statement {
        let sql: String
        let values: [PostgresConnection.Value]
    }
    /// A write held back to go with the next batch (see `runBatched`).
    private struct Pending {
        let statement: Statement
        let purpose: String
        let missing: String?
        /// A write (rather than a savepoint statement).
        var isWrite = true
    }
    /// Statements per pipelined batch at most: their replies must fit the socket buffers,
    /// which a blocking client only drains after sending the whole batch.
    private static let batchLimit = 500

    private var depth = 0
    private var transactionOpen = false
    private var journal: [Statement] = []
    private var journalHasWrites = false
    /// Writes of the open transaction not sent yet; they go with the next statement that
    /// needs a reply (a read, a write whose count is read, the commit).
    private var pending: [Pending] = []
    /// Whether the open transaction's `BEGIN` still waits to go with its first batch.
    private var beginPending = false
    private var committedSequence: Int64 = 0
    private var nextSweepID: Int64 = 1
    private var nextTrialID: Int64 = 1
    private var numbered: [String: String] = [:]

    /// Test hook run just before a writing transaction's `COMMIT` is sent.
    var beforeCommit: (() -> Void)?
    /// Test hook run after the `COMMIT` is sent and before its reply is read.
    var afterCommitSent: (() -> Void)?

    /// Opens the store named by a `postgresql://` URL. A writable store takes the writer
    /// lock and applies pending migrations; a read-only store requires a migrated database
    /// whose schema this binary knows. An unreachable server is retried for
    /// `options.openRetrySeconds`, then reported as `RungError.unavailable`.
    public init(url: String, readOnly: Bool = false, options: Options = Options()) throws {
        let parsed = try StoreURL(parsing: url)
        guard case .postgresql(let uri) = parsed else {
            throw RungError.usage("store URL \(parsed) is not a postgresql:// URL")
        }
        target = try PostgresTarget(uri: uri)
        isReadOnly = readOnly
        self.options = options
        var name = [UInt8](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        let host = String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
        // A random tag tells this store's own earlier session apart from another store's.
        let tag = String(UInt16.random(in: .min ... .max), radix: 16)
        applicationName = String("rung \(readOnly ? "reader" : "head") pid \(getpid()) on \(host.prefix(30)) #\(tag)".prefix(63))
        connection = try connect(deadline: Date().addingTimeInterval(options.openRetrySeconds), purpose: "open the store",
                                 reconnecting: false)
        if readOnly {
            try checkSchema()
        } else {
            try migrate()
            committedSequence = try query("SELECT seq FROM rung_commit_seq", purpose: "read the commit sequence") {
                $0.int64(0)
            }.first ?? 0
            nextSweepID = try query("SELECT COALESCE(MAX(id), 0) + 1 FROM sweeps", purpose: "read the next sweep id") {
                $0.int64(0)
            }.first ?? 1
            nextTrialID = try query("SELECT COALESCE(MAX(id), 0) + 1 FROM trials", purpose: "read the next trial id") {
                $0.int64(0)
            }.first ?? 1
        }
    }

    deinit { close() }

    /// Closes the connection, which releases the writer lock; later calls throw.
    public func close() {
        closed = true
        connection?.close()
        connection = nil
    }

    /// The schema version recorded in the store.
    public func schemaVersion() throws -> Int { try appliedVersion() }

    /// The newest schema version this binary knows.
    public static var latestSchemaVersion: Int { SQLSchema.latestVersion }

    /// The PostgreSQL server process serving this store's connection (0 when closed).
    var backendPID: Int32 { connection?.backendPID ?? 0 }

    /// The current connection's socket (tests shut it down to simulate a network failure).
    var socket: Int32 { connection?.socket ?? -1 }

    // MARK: - Transactions

    /// Runs `body` in one transaction (journalled for replay; a nested one is a savepoint).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let level = depth
        let savedIDs = (nextSweepID, nextTrialID)
        // Where the nested transaction starts in the held-back writes, and how many batches had gone then.
        let mark = (batches: batchesSent, held: pending.count)
        if level == 0 {
            try begin()
        } else {
            holdBack("SAVEPOINT rung_\(level)", purpose: "begin a nested transaction")
        }
        depth += 1
        let result: T
        do {
            result = try body()
        } catch {
            depth -= 1
            (nextSweepID, nextTrialID) = savedIDs
            if level == 0 {
                rollback()
            } else if batchesSent == mark.batches {
                // Nothing since the SAVEPOINT reached the server: forget it and what followed.
                pending.removeSubrange(min(mark.held, pending.count)...)
            } else {
                // The SAVEPOINT went with an earlier batch: what is held now is the nested body's.
                pending.removeAll()
                _ = try? perform("ROLLBACK TO SAVEPOINT rung_\(level)", [], purpose: "roll back a nested transaction", journal: .control)
                _ = try? perform("RELEASE SAVEPOINT rung_\(level)", [], purpose: "roll back a nested transaction", journal: .control)
            }
            throw error
        }
        depth -= 1
        if level == 0 {
            do {
                try commit()
            } catch {
                (nextSweepID, nextTrialID) = savedIDs
                throw error
            }
        } else {
            holdBack("RELEASE SAVEPOINT rung_\(level)", purpose: "commit a nested transaction")
        }
        return result
    }

    /// Opens a transaction; its `BEGIN` goes with the transaction's first batch.
    private func begin() throws {
        journal.removeAll()
        journalHasWrites = false
        pending.removeAll()
        _ = try liveConnection(purpose: "begin a transaction")
        transactionOpen = true
        beginPending = true
    }

    private func rollback() {
        transactionOpen = false
        journal.removeAll()
        journalHasWrites = false
        pending.removeAll()
        // Nothing reached the server when BEGIN never went; a lost connection rolls back by
        // itself and the next call reconnects.
        if !beginPending { _ = try? connection?.execute("ROLLBACK") }
        beginPending = false
    }

    private func commit() throws {
        defer {
            transactionOpen = false
            journal.removeAll()
            journalHasWrites = false
            pending.removeAll()
            beginPending = false
        }
        let purpose = "commit a transaction"
        guard journalHasWrites || pending.contains(where: \.isWrite) else {
            // Nothing was sent at all: there is no transaction on the server to end.
            if beginPending { return }
            do {
                _ = try connection?.execute("COMMIT")
            } catch let failure as PostgresConnection.Failure {
                // Nothing was written, so a lost connection loses nothing; the next call reconnects.
                if !failure.isConnectionLoss { throw mapped(failure, purpose: purpose) }
            }
            return
        }
        let sequence = committedSequence + 1
        // The held-back writes and the sequence go in one batch, then the COMMIT.
        do {
            try perform("UPDATE rung_commit_seq SET seq = ?", [.integer(sequence)], purpose: purpose, journal: .write)
        } catch {
            rollback()
            throw error
        }
        while true {
            let live = try liveConnection(purpose: purpose)
            do {
                beforeCommit?()
                roundTrips += 1
                _ = try live.execute("COMMIT", afterSend: afterCommitSent)
                committedSequence = sequence
                return
            } catch let failure as PostgresConnection.Failure {
                guard failure.isConnectionLoss else {
                    rollback()
                    throw mapped(failure, purpose: purpose)
                }
                if try commitReachedServer(sequence, failure: failure) {
                    options.log("rung: store \(location): the interrupted commit \(sequence) had reached the server")
                    committedSequence = sequence
                    return
                }
                options.log("rung: store \(location): the interrupted commit \(sequence) was lost; replaying its \(journal.count) statements")
                transactionOpen = true
                try replayRecovering(purpose: purpose)
            }
        }
    }

    /// Reconnects (without reopening the transaction) and reads whether `sequence` committed.
    private func commitReachedServer(_ sequence: Int64, failure: PostgresConnection.Failure) throws -> Bool {
        transactionOpen = false
        var last = failure
        while true {
            try recover(purpose: "learn whether a commit reached the server", failure: last)
            do {
                let result = try connection!.execute("SELECT seq FROM rung_commit_seq")
                return result.rowCount > 0 && result.row(0).int64(0) >= sequence
            } catch let next as PostgresConnection.Failure {
                guard next.isConnectionLoss else { throw mapped(next, purpose: "read the commit sequence") }
                last = next
            }
        }
    }

    // MARK: - Statements

    /// Runs a write statement inside a transaction of its own unless one is open; returns
    /// the number of rows it changed.
    func run(_ sql: String, _ values: [SQLValue], purpose: String) throws -> Int {
        if depth == 0 {
            return try transaction { try run(sql, values, purpose: purpose) }
        }
        return try perform(sql, values, purpose: purpose, journal: .write)!.changedRows
    }

    /// Holds the write back to go with the next batch (one round trip for a loop pass's
    /// writes); see `SQLStore.runBatched`.
    func runBatched(_ sql: String, _ values: [SQLValue], purpose: String, missing: String?) throws {
        if depth == 0 {
            return try transaction { try runBatched(sql, values, purpose: purpose, missing: missing) }
        }
        for case .text(let text) in values where text.utf8.contains(0) {
            throw RungError.badInput("cannot \(purpose) in store \(location): PostgreSQL text cannot hold a NUL character")
        }
        pending.append(Pending(statement: Statement(sql: rendered(sql), values: values), purpose: purpose, missing: missing))
        if pending.count >= Self.batchLimit { try sendPending() }
    }

    /// Holds a statement without parameters back for the next batch (savepoints).
    private func holdBack(_ sql: String, purpose: String) {
        pending.append(Pending(statement: Statement(sql: sql, values: []), purpose: purpose, missing: nil, isWrite: false))
    }

    /// Sends the held-back writes now (with the transaction's `BEGIN` if it has not gone yet).
    private func sendPending() throws {
        guard !pending.isEmpty || beginPending else { return }
        _ = try perform(nil, [], purpose: pending.last?.purpose ?? "begin a transaction", journal: .none)
    }

    /// Runs a query and maps every row.
    func query<T>(_ sql: String, _ values: [SQLValue] = [], purpose: String,
                  _ map: (PostgresConnection.Row) throws -> T) throws -> [T] {
        let result = try perform(sql, values, purpose: purpose, journal: .none)!
        var rows: [T] = []
        rows.reserveCapacity(Int(result.rowCount))
        for index in 0..<result.rowCount { rows.append(try map(result.row(index))) }
        return rows
    }

    /// Runs `insert` with `requested` or else the next id of `table`, reserved inside a
    /// transaction (of its own unless one is open) so that a rollback frees it and a replay
    /// reuses it.
    func inserting(into table: SQLStoreTable, id requested: Int64?, _ insert: (SQLValue) throws -> Void) throws -> Int64 {
        if depth == 0 { return try transaction { try inserting(into: table, id: requested, insert) } }
        let id: Int64
        switch table {
        case .sweeps: id = requested ?? nextSweepID; nextSweepID = max(nextSweepID, id + 1)
        case .trials: id = requested ?? nextTrialID; nextTrialID = max(nextTrialID, id + 1)
        }
        try insert(.integer(id))
        return id
    }

    /// Runs `sql` (nil: none) after the held-back writes and a pending `BEGIN`, all in one
    /// round trip, and returns its result. A lost connection is replaced and the batch sent
    /// again; a statement that fails restores the transaction to just before the batch and
    /// throws its error; a held-back write that changed no row though it had to throws its
    /// `missing` error.
    @discardableResult
    private func perform(_ sql: String?, _ values: [PostgresConnection.Value], purpose: String,
                         journal kind: JournalKind) throws -> PostgresConnection.Result? {
        for case .text(let text) in values where text.utf8.contains(0) {
            throw RungError.badInput("cannot \(purpose) in store \(location): PostgreSQL text cannot hold a NUL character")
        }
        let statement = sql.map(rendered)
        let held = pending
        pending.removeAll()
        batchesSent += 1
        while true {
            let live = try liveConnection(purpose: purpose)
            let begins = beginPending && transactionOpen
            var batch: [(sql: String, values: [PostgresConnection.Value])] = begins ? [("BEGIN", [])] : []
            batch += held.map { ($0.statement.sql, $0.statement.values) }
            if let statement { batch.append((statement, values)) }
            guard !batch.isEmpty else { return nil }
            let outcome: PostgresConnection.BatchOutcome
            do {
                roundTrips += 1
                outcome = try live.executeBatch(batch)
            } catch let failure as PostgresConnection.Failure {
                guard failure.isConnectionLoss else { throw mapped(failure, purpose: purpose) }
                try recover(purpose: purpose, failure: failure)
                continue
            }
            // Journal what ran, so that a replay after a lost connection repeats it.
            let offset = begins ? 1 : 0
            if begins && !outcome.results.isEmpty { beginPending = false }
            let ranHeld = max(0, min(held.count, outcome.results.count - offset))
            if transactionOpen {
                for item in held.prefix(ranHeld) {
                    journal.append(item.statement)
                    if item.isWrite { journalHasWrites = true }
                }
                if let statement, kind != .none, outcome.failure == nil {
                    journal.append(Statement(sql: statement, values: values))
                    if kind == .write { journalHasWrites = true }
                }
            }
            if let (index, failure) = outcome.failure {
                // PostgreSQL aborts the whole transaction on an error; SQLite only fails the
                // statement. Restore the transaction to just before the failed statement.
                if transactionOpen && !beginPending { try restoreAfterError(purpose: purpose) }
                let failedPurpose = index < offset ? "begin a transaction"
                    : index - offset < held.count ? held[index - offset].purpose : purpose
                throw mapped(failure, purpose: failedPurpose)
            }
            for (item, result) in zip(held, outcome.results.dropFirst(offset)) where result.changedRows == 0 {
                if let missing = item.missing {
                    throw RungError.badInput("cannot \(item.purpose) in store \(location): \(missing)")
                }
            }
            return statement == nil ? nil : outcome.results.last
        }
    }

    /// `sql` with numbered placeholders, cached per statement text.
    private func rendered(_ sql: String) -> String {
        if let cached = numbered[sql] { return cached }
        let output = dialect.render(sql)
        numbered[sql] = output
        return output
    }

    // MARK: - Connection loss

    private func liveConnection(purpose: String) throws -> PostgresConnection {
        if closed {
            throw RungError.internalFailure("cannot \(purpose) in store \(location): the store is closed")
        }
        if let connection, connection.isHealthy { return connection }
        try recover(purpose: purpose, failure: nil)
        return connection!
    }

    /// Replaces a lost connection: reconnects with backoff (a writer forever, a reader for
    /// `readRetrySeconds`), retakes the writer lock and replays the open transaction.
    private func recover(purpose: String, failure: PostgresConnection.Failure?) throws {
        connection?.close()
        connection = nil
        reconnections += 1
        let reason = failure.map { ": " + $0.message } ?? ""
        options.log("rung: store \(location) lost its connection to \(target.address) while trying to \(purpose)\(reason); reconnecting")
        let deadline = isReadOnly ? Date().addingTimeInterval(options.readRetrySeconds) : nil
        while true {
            connection = try connect(deadline: deadline, purpose: purpose, reconnecting: true)
            guard transactionOpen else { return }
            do {
                try replay()
                return
            } catch let next as PostgresConnection.Failure {
                guard next.isConnectionLoss else {
                    throw RungError.internalFailure("cannot replay the interrupted transaction in store \(location): \(next.message) (SQLSTATE \(next.sqlState))")
                }
                connection?.close()
                connection = nil
            }
        }
    }

    /// Begins the transaction again on the current connection and runs its journal.
    private func replay() throws {
        guard let connection else { throw PostgresConnection.Failure(sqlState: "08003", message: "no connection", isConnectionLoss: true) }
        _ = try connection.execute("BEGIN")
        beginPending = false
        for statement in journal { _ = try connection.execute(statement.sql, statement.values) }
    }

    private func replayRecovering(purpose: String) throws {
        do {
            try replay()
        } catch let failure as PostgresConnection.Failure {
            guard failure.isConnectionLoss else {
                throw RungError.internalFailure("cannot replay the interrupted transaction in store \(location): \(failure.message) (SQLSTATE \(failure.sqlState))")
            }
            try recover(purpose: purpose, failure: failure)
        }
    }

    private func restoreAfterError(purpose: String) throws {
        do {
            _ = try connection?.execute("ROLLBACK")
        } catch let failure as PostgresConnection.Failure where failure.isConnectionLoss {
            try recover(purpose: purpose, failure: failure)
            return
        }
        try replayRecovering(purpose: purpose)
    }

    /// Connects, configures the session and (for a writer) takes the lock, retrying a
    /// server that is down until `deadline` (forever when nil).
    private func connect(deadline: Date?, purpose: String, reconnecting: Bool) throws -> PostgresConnection {
        var attempt = 0
        let started = Date()
        while true {
            attempt += 1
            do {
                return try openSession(reconnecting: reconnecting)
            } catch let failure as PostgresConnection.Failure {
                guard failure.isConnectionLoss else {
                    throw RungError.unavailable("cannot connect to store \(location): \(failure.message)")
                }
                let base = min(options.maxBackoffSeconds, options.initialBackoffSeconds * pow(2, Double(min(attempt - 1, 30))))
                let delay = base * Double.random(in: 0.5...1.0)
                if let deadline, Date().addingTimeInterval(delay) > deadline {
                    let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
                    throw RungError.unavailable("cannot reach the PostgreSQL server \(target.address) of store \(location) to \(purpose) (\(attempt) attempts in \(seconds) s): \(failure.message)")
                }
                options.log("rung: store \(location): cannot reach \(target.address) (attempt \(attempt): \(failure.message)); retrying in \(String(format: "%.1f", delay)) s")
                Thread.sleep(forTimeInterval: delay)
            }
        }
    }

    private func openSession(reconnecting: Bool) throws -> PostgresConnection {
        let session = try PostgresConnection(uri: target.uri, applicationName: applicationName,
                                             connectTimeoutSeconds: options.connectTimeoutSeconds, scrub: target.scrub)
        // Shortest exact text for doubles (the default from PostgreSQL 12 on; explicit for older servers).
        _ = try session.execute("SET extra_float_digits = 3")
        if isReadOnly {
            _ = try session.execute("SET default_transaction_read_only = on")
            return session
        }
        for _ in 0..<20 {
            let locked = try session.execute("SELECT pg_try_advisory_lock($1::bigint)", [.integer(Self.advisoryLockKey)])
            if locked.rowCount > 0 && locked.row(0).bool(0) { return session }
            let holder = try lockHolder(session)
            // After a network failure our own old session may outlive the socket: end it.
            if reconnecting, let holder, holder.applicationName == applicationName {
                _ = try session.execute("SELECT pg_terminate_backend($1::integer)", [.integer(Int64(holder.pid))])
                Thread.sleep(forTimeInterval: 0.05)
                continue
            }
            let who = holder.map { "\($0.applicationName.isEmpty ? "a client" : $0.applicationName), PostgreSQL backend pid \($0.pid) from \($0.clientAddress)" } ?? "holder unknown"
            throw RungError.storeInUse(store: location, holder: who)
        }
        throw RungError.unavailable("store \(location): cannot retake the writer lock from this head's previous session")
    }

    private struct LockHolder {
        let pid: Int32
        let clientAddress: String
        let applicationName: String
    }

    private func lockHolder(_ session: PostgresConnection) throws -> LockHolder? {
        let key = UInt64(bitPattern: Self.advisoryLockKey)
        let result = try session.execute("""
            SELECT a.pid, COALESCE(host(a.client_addr), 'a local socket'), COALESCE(a.application_name, '')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, [.integer(Int64(key >> 32)), .integer(Int64(key & 0xFFFF_FFFF))])
        guard result.rowCount > 0 else { return nil }
        let row = result.row(0)
        return LockHolder(pid: Int32(row.int64(0)), clientAddress: row.text(1), applicationName: row.text(2))
    }

    /// Maps a failed statement to the kind of `RungError` a user should see.
    private func mapped(_ failure: PostgresConnection.Failure, purpose: String) -> RungError {
        let state = failure.sqlState
        let prefix = "cannot \(purpose) in store \(location)"
        if failure.isConnectionLoss {
            return .unavailable("\(prefix): the connection to \(target.address) was lost: \(failure.message)")
        }
        switch state.prefix(2) {
        case "23", "22":
            return .badInput("\(prefix): \(failure.message)")
        case "25":
            return state == "25006" ? .usage("\(prefix): the store is read-only (\(failure.message))")
                : .internalFailure("\(prefix): \(failure.message) (SQLSTATE \(state))")
        case "28", "53", "40", "55", "57":
            return .unavailable("\(prefix): \(failure.message)")
        case "42":
            return state == "42501" ? .unavailable("\(prefix): permission denied (\(failure.message))")
                : .internalFailure("\(prefix): \(failure.message) (SQLSTATE \(state))")
        default:
            return .internalFailure("\(prefix): \(failure.message) (SQLSTATE \(state))")
        }
    }

    // MARK: - Schema

    /// Applies pending migrations, each in one transaction (the writer lock keeps other
    /// heads out; a connection lost here fails the open).
    private func migrate() throws {
        guard let session = connection else { return }
        do {
            _ = try session.execute(SQLSchema.migrationsTable(.postgresql))
        } catch let failure as PostgresConnection.Failure {
            throw mapped(failure, purpose: "create the migrations table")
        }
        try applyPendingMigrations { migration, purpose in
            do {
                _ = try session.execute("BEGIN")
                try session.executeScript(migration.sql(for: .postgresql))
                _ = try session.execute(dialect.render(SQLSchema.recordStatement), migration.recordValues)
                _ = try session.execute("COMMIT")
            } catch let failure as PostgresConnection.Failure {
                _ = try? session.execute("ROLLBACK")
                throw mapped(failure, purpose: purpose)
            }
        }
    }
}
