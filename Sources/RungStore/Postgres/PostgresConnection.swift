import CPostgres
import Foundation
import RungCore

/// One libpq connection: parameterised statements only (`PQsendQueryParams`, every value
/// sent as text), results read as text, and failures reported as `Failure` values whose
/// messages never contain the password.
///
/// Confinement: a connection is used only by the thread that owns its store, which is why
/// the class is not `Sendable`.
final class PostgresConnection {
    /// A value bound to a statement parameter (`$1`, `$2`, …).
    typealias Value = SQLValue

    /// A failed statement or connection attempt, with the password scrubbed from `message`.
    struct Failure: Error {
        /// The five-character SQLSTATE, or "" when libpq gave none (e.g. a dropped socket).
        let sqlState: String
        /// libpq's or the server's message, one line, password-free.
        let message: String
        /// Whether the connection is gone (the statement may be retried on a new one).
        let isConnectionLoss: Bool
    }

    /// The rows of one successful statement.
    final class Result {
        fileprivate let handle: OpaquePointer

        fileprivate init(_ handle: OpaquePointer) { self.handle = handle }
        deinit { PQclear(handle) }

        /// How many rows the statement returned.
        var rowCount: Int32 { PQntuples(handle) }
        /// How many columns each row has.
        var columnCount: Int32 { PQnfields(handle) }
        /// How many rows an INSERT/UPDATE/DELETE changed.
        var changedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }
        /// One row, read by column index.
        func row(_ index: Int32) -> Row { Row(result: self, index: index) }
    }

    /// One row of a `Result` (values arrive as text and are parsed here).
    struct Row: SQLRow {
        let result: Result
        let index: Int32

        func isNull(_ column: Int32) -> Bool { PQgetisnull(result.handle, index, column) != 0 }
        func text(_ column: Int32) -> String {
            guard let bytes = PQgetvalue(result.handle, index, column) else { return "" }
            return String(cString: bytes)
        }
        func int64(_ column: Int32) -> Int64 { Int64(text(column)) ?? 0 }
        /// Reads `NaN` and `±Infinity` too.
        func double(_ column: Int32) -> Double { PostgresConnection.parseDouble(text(column)) }
        /// A boolean column (`t`/`f`).
        func bool(_ column: Int32) -> Bool { text(column) == "t" }
    }

    private var handle: OpaquePointer?
    private let scrub: @Sendable (String) -> String

    /// Connects with `uri` (a libpq URI) and returns the connection, or throws a `Failure`.
    init(uri: String, applicationName: String, connectTimeoutSeconds: Int, scrub: @escaping @Sendable (String) -> String) throws {
        self.scrub = scrub
        // Earlier keywords are overridden by what the URI says, later ones override the URI.
        // TCP keepalives and a user timeout notice a silently vanished server (a network
        // partition sends no reset) within about half a minute instead of never.
        let keywords = ["connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
                        "tcp_user_timeout", "dbname", "application_name", "client_encoding"]
        let values = [String(connectTimeoutSeconds), "1", "10", "5", "3", "30000", uri, applicationName, "UTF8"]
        let conn = Self.withCStrings(keywords) { keys in
            Self.withCStrings(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let conn else {
            throw Failure(sqlState: "", message: "libpq could not allocate a connection", isConnectionLoss: true)
        }
        if PQstatus(conn) != CONNECTION_OK {
            let message = scrub(Self.oneLine(String(cString: PQerrorMessage(conn))))
            PQfinish(conn)
            throw Failure(sqlState: "", message: message, isConnectionLoss: Self.isTransient(connectMessage: message))
        }
        // Server notices (e.g. "relation already exists, skipping") are not for the user.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        handle = conn
    }

    deinit { close() }

    /// Closes the connection (the server then releases its session locks).
    func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// Whether libpq still considers the connection usable.
    var isHealthy: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// The server process serving this connection.
    var backendPID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    /// The connection's socket (tests use it to simulate a network failure).
    var socket: Int32 { handle.map { PQsocket($0) } ?? -1 }

    /// Runs one statement with parameters; `afterSend` runs between sending and reading the
    /// reply (tests use it to drop the connection at that moment).
    func execute(_ sql: String, _ values: [Value] = [], afterSend: (() -> Void)? = nil) throws -> Result {
        guard let conn = handle else {
            throw Failure(sqlState: "08003", message: "the connection is closed", isConnectionLoss: true)
        }
        let texts = values.map(\.wireText)
        let sent: Int32 = Self.withOptionalCStrings(texts) { pointers in
            PQsendQueryParams(conn, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        if sent == 0 { throw connectionFailure(conn) }
        afterSend?()
        return try collect(conn)
    }

    /// What a pipelined batch did: the results of the statements that ran, in order, and
    /// the failure of the first one that did not (the server skipped the rest).
    struct BatchOutcome {
        /// One result per statement that succeeded, from the first on.
        var results: [Result]
        /// The index and failure of the statement that failed, if one did.
        var failure: (index: Int, failure: Failure)?
    }

    /// Runs statements in one round trip (libpq's pipeline mode, one sync at the end). A
    /// statement that fails makes the server skip those after it; a lost connection throws.
    func executeBatch(_ statements: [(sql: String, values: [Value])]) throws -> BatchOutcome {
        guard let conn = handle else {
            throw Failure(sqlState: "08003", message: "the connection is closed", isConnectionLoss: true)
        }
        if statements.count == 1 {
            do {
                return BatchOutcome(results: [try execute(statements[0].sql, statements[0].values)], failure: nil)
            } catch let failure as Failure where !failure.isConnectionLoss {
                return BatchOutcome(results: [], failure: (0, failure))
            }
        }
        guard PQenterPipelineMode(conn) == 1 else { throw connectionFailure(conn) }
        defer { _ = PQexitPipelineMode(conn) }
        for statement in statements {
            let texts = statement.values.map(\.wireText)
            let sent: Int32 = Self.withOptionalCStrings(texts) { pointers in
                PQsendQueryParams(conn, statement.sql, Int32(texts.count), nil, pointers, nil, nil, 0)
            }
            if sent == 0 { throw connectionFailure(conn) }
        }
        guard PQpipelineSync(conn) == 1 else { throw connectionFailure(conn) }
        var outcome = BatchOutcome(results: [], failure: nil)
        var index = 0
        var current: OpaquePointer?
        var emptyInARow = 0
        while true {
            guard let next = PQgetResult(conn) else {
                // NULL ends one statement's results.
                if let result = current {
                    current = nil
                    emptyInARow = 0
                    try take(result, index: index, into: &outcome, conn: conn)
                    index += 1
                    continue
                }
                emptyInARow += 1
                if PQstatus(conn) != CONNECTION_OK || emptyInARow > 1 { throw connectionFailure(conn) }
                continue
            }
            emptyInARow = 0
            if PQresultStatus(next) == PGRES_PIPELINE_SYNC {
                PQclear(next)
                if let result = current { try take(result, index: index, into: &outcome, conn: conn) }
                break
            }
            if let current { PQclear(current) }
            current = next
        }
        return outcome
    }

    /// Files one statement's last result of a batch: a success, a skipped statement, or
    /// the batch's failure (a lost connection throws).
    private func take(_ result: OpaquePointer, index: Int, into outcome: inout BatchOutcome, conn: OpaquePointer) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            if outcome.failure == nil { outcome.results.append(Result(result)) } else { PQclear(result) }
        case PGRES_PIPELINE_ABORTED:
            PQclear(result)
        default:
            let failure = failure(from: result, conn: conn)
            if failure.isConnectionLoss { throw failure }
            if outcome.failure == nil { outcome.failure = (index, failure) }
        }
    }

    /// Runs statements without parameters (migrations), several separated by semicolons.
    func executeScript(_ sql: String) throws {
        guard let conn = handle else {
            throw Failure(sqlState: "08003", message: "the connection is closed", isConnectionLoss: true)
        }
        if PQsendQuery(conn, sql) == 0 { throw connectionFailure(conn) }
        _ = try collect(conn)
    }

    private func collect(_ conn: OpaquePointer) throws -> Result {
        var last: OpaquePointer?
        while let next = PQgetResult(conn) {
            if let last { PQclear(last) }
            last = next
        }
        guard let result = last else { throw connectionFailure(conn) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Result(result)
        default:
            throw failure(from: result, conn: conn)
        }
    }

    /// The failure a failed result reports (the result is cleared).
    private func failure(from result: OpaquePointer, conn: OpaquePointer) -> Failure {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        var text = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? String(cString: PQresultErrorMessage(result))
        if let detail = PQresultErrorField(result, Int32(UInt8(ascii: "D"))) {
            text += " (" + String(cString: detail) + ")"
        }
        PQclear(result)
        // Every error from the server carries a SQLSTATE; one without is libpq's own
        // (a socket that failed), so the connection is gone.
        let lost = PQstatus(conn) != CONNECTION_OK || state.isEmpty || Self.isConnectionLoss(sqlState: state)
        return Failure(sqlState: state, message: scrub(Self.oneLine(text)), isConnectionLoss: lost)
    }

    // MARK: - Helpers

    /// SQLSTATEs that mean the session is gone: class 08 (connection exception) and
    /// 57P01–57P03 (administrator shutdown, crash shutdown, cannot connect now).
    static func isConnectionLoss(sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// Whether a failed connection attempt is worth retrying (the server is down, starting
    /// or unreachable) rather than final (bad password, unknown database or role).
    static func isTransient(connectMessage message: String) -> Bool {
        let final = ["authentication failed", "no password supplied", "does not exist", "invalid",
                     "not permitted", "no pg_hba.conf entry", "SSL", "requires a", "unsupported"]
        return !final.contains { message.contains($0) }
    }

    /// PostgreSQL's text form of a double, including `NaN`, `Infinity` and `-Infinity`.
    static func parseDouble(_ text: String) -> Double {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text) ?? .nan
        }
    }

    private func connectionFailure(_ conn: OpaquePointer) -> Failure {
        let message = scrub(Self.oneLine(String(cString: PQerrorMessage(conn))))
        return Failure(sqlState: "", message: message.isEmpty ? "the server closed the connection" : message,
                       isConnectionLoss: true)
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafePointer<CChar>?] = strings.map { UnsafePointer(strdup($0)) }
        pointers.append(nil)
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private static func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let pointers: [UnsafePointer<CChar>?] = strings.map { $0.map { UnsafePointer(strdup($0)) } ?? nil }
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
