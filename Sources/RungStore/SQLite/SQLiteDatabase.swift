import CSQLite
import Foundation
import RungCore

/// One SQLite connection with a cache of prepared statements; every failure becomes a
/// `RungError` naming the database file and what rung was trying to do.
///
/// Confinement: a connection is used only by the thread that opened it (it is opened
/// with `SQLITE_OPEN_NOMUTEX`), which is why the class is not `Sendable`.
final class SQLiteDatabase {
    /// A value bound to a statement parameter.
    typealias Value = SQLValue

    /// The current row of a stepping statement, read by column index.
    struct Row: SQLRow {
        fileprivate let statement: OpaquePointer

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
        func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
        func text(_ column: Int32) -> String {
            guard let bytes = sqlite3_column_text(statement, column) else { return "" }
            let count = Int(sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
    }

    /// The file this connection opened, as shown in error messages.
    let path: String
    /// Whether the connection was opened read-only.
    let readOnly: Bool
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (and, unless `readOnly`, creates) the database file at `path`.
    init(path: String, readOnly: Bool) throws {
        self.path = path
        self.readOnly = readOnly
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        if rc != SQLITE_OK {
            let detail = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw Self.error(code: rc, detail: detail, path: path, purpose: "open the database")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Finalizes every cached statement and closes the connection; later calls fail.
    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    /// Whether the connection is inside an explicit transaction.
    var inTransaction: Bool {
        guard let handle else { return false }
        return sqlite3_get_autocommit(handle) == 0
    }

    /// Runs one or more statements without parameters (schema changes, pragmas, BEGIN/COMMIT).
    func execute(_ sql: String, purpose: String) throws {
        let db = try open(purpose)
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let detail = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw Self.error(code: rc, detail: detail, path: path, purpose: purpose)
        }
    }

    /// Runs a statement that returns no rows and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [Value] = [], purpose: String) throws -> Int {
        let statement = try prepared(sql, purpose: purpose)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(values, to: statement, purpose: purpose)
        var rc = sqlite3_step(statement)
        while rc == SQLITE_ROW { rc = sqlite3_step(statement) }
        if rc != SQLITE_DONE { throw failure(rc, purpose: purpose) }
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps every row.
    func query<T>(_ sql: String, _ values: [Value] = [], purpose: String, _ map: (Row) throws -> T) throws -> [T] {
        let statement = try prepared(sql, purpose: purpose)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(values, to: statement, purpose: purpose)
        var result: [T] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            if rc != SQLITE_ROW { throw failure(rc, purpose: purpose) }
            result.append(try map(Row(statement: statement)))
        }
        return result
    }

    /// The rowid of the last row inserted on this connection.
    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    // MARK: - Internals

    private func open(_ purpose: String) throws -> OpaquePointer {
        guard let handle else {
            throw RungError.internalFailure("cannot \(purpose) in store sqlite:\(path): the store is closed")
        }
        return handle
    }

    private func prepared(_ sql: String, purpose: String) throws -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        let db = try open(purpose)
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw failure(rc, purpose: purpose)
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ values: [Value], to statement: OpaquePointer, purpose: String) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .real(let v): rc = sqlite3_bind_double(statement, index, v)
            case .text(let v):
                // An explicit byte count keeps text with embedded NUL characters whole.
                rc = sqlite3_bind_text(statement, index, v, Int32(v.utf8.count), Self.transient)
            }
            if rc != SQLITE_OK { throw failure(rc, purpose: purpose) }
        }
    }

    private func failure(_ code: Int32, purpose: String) -> RungError {
        let detail = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        return Self.error(code: code, detail: detail, path: path, purpose: purpose)
    }

    /// SQLite's "copy the bytes now" destructor (`SQLITE_TRANSIENT` is a macro Swift cannot import).
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)
    }

    /// Maps a SQLite result code to the kind of `RungError` a user should see.
    static func error(code: Int32, detail: String, path rawPath: String, purpose: String) -> RungError {
        let path = "sqlite:" + rawPath
        let primary = code & 0xFF
        switch primary {
        case SQLITE_NOTADB, SQLITE_CORRUPT:
            return .badInput("store \(path) is not a SQLite database or is corrupted (while trying to \(purpose)): \(detail)")
        case SQLITE_BUSY, SQLITE_LOCKED:
            return .unavailable("cannot \(purpose) in store \(path): the database is busy (\(detail))")
        case SQLITE_READONLY:
            return .usage("cannot \(purpose) in store \(path): the store is read-only (\(detail))")
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_IOERR, SQLITE_FULL, SQLITE_AUTH:
            return .unavailable("cannot \(purpose) in store \(path): \(detail)")
        case SQLITE_CONSTRAINT:
            return .badInput("cannot \(purpose) in store \(path): \(detail)")
        default:
            return .internalFailure("cannot \(purpose) in store \(path): \(detail) (SQLite code \(code))")
        }
    }
}
