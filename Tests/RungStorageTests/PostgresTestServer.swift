import Foundation
@testable import RungStore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for the tests: one per test process, started on first
/// use in a temporary directory on a free loopback port (`fsync=off`), stopped and removed
/// when the process exits. TCP clients must log in as `rung` with `password` (SCRAM); the
/// administrator connects as `postgres` over the cluster's private Unix socket.
///
/// When the PostgreSQL binaries are missing, every PostgreSQL test fails saying so, unless
/// `RUNG_SKIP_POSTGRES_TESTS=1` is set (then they are skipped).
final class PostgresTestServer: @unchecked Sendable {
    /// The role the store tests connect as, and its password (the tests check it never leaks).
    static let user = "rung"
    static let password = "pw-Zq7-secret"

    let directory: String
    let port: Int
    let binaries: String
    private let lock = NSLock()
    private var databases = 0

    /// The process's server, or the reason it could not start.
    private static let started: Swift.Result<PostgresTestServer, StartError> = {
        do { return .success(try PostgresTestServer()) } catch let error as StartError {
            return .failure(error)
        } catch {
            return .failure(StartError(message: "\(error)"))
        }
    }()

    struct StartError: Error, Sendable { let message: String }

    /// The shared server; fails (or, with `RUNG_SKIP_POSTGRES_TESTS=1`, skips) the test if
    /// PostgreSQL cannot run here.
    static func shared() throws -> PostgresTestServer {
        if ProcessInfo.processInfo.environment["RUNG_SKIP_POSTGRES_TESTS"] == "1" {
            throw XCTSkip("RUNG_SKIP_POSTGRES_TESTS=1: PostgreSQL tests skipped")
        }
        switch started {
        case .success(let server): return server
        case .failure(let error):
            XCTFail("PostgreSQL tests need a PostgreSQL server: \(error.message) (install it with scripts/install-deps --test, set RUNG_POSTGRES_BIN to its bin directory, or set RUNG_SKIP_POSTGRES_TESTS=1 to skip these tests)")
            throw error
        }
    }

    /// A URL for the `rung` role with its password on `database` over TCP.
    func url(database: String, password: String = PostgresTestServer.password, port: Int? = nil) -> String {
        "postgresql://\(Self.user):\(password)@127.0.0.1:\(port ?? self.port)/\(database)"
    }

    /// Creates an empty database owned by `rung` and returns its URL.
    func createDatabase() throws -> String {
        let name: String = lock.withLock {
            databases += 1
            return "rung_test_\(getpid())_\(databases)"
        }
        try admin("CREATE DATABASE \(name) OWNER \(Self.user)")
        return url(database: name)
    }

    /// Runs one statement as the superuser on the `postgres` database.
    @discardableResult
    func admin(_ sql: String, _ values: [PostgresConnection.Value] = []) throws -> [[String?]] {
        let connection = try PostgresConnection(uri: "postgresql://postgres@/postgres?host=\(directory)&port=\(port)",
                                                applicationName: "rung tests", connectTimeoutSeconds: 5, scrub: { $0 })
        let result = try connection.execute(sql, values)
        return (0..<result.rowCount).map { row in
            (0..<result.columnCount).map { result.row(row).optionalText($0) }
        }
    }

    /// Stops the server quickly (`-m fast`: clients are disconnected) and waits.
    func stop() throws { try pgctl(["stop", "-m", "fast", "-w", "-t", "30"]) }

    /// Starts the stopped server again and waits until it accepts connections.
    func start() throws { try pgctl(["start", "-w", "-t", "30", "-l", directory + "/server.log", "-o", serverOptions]) }

    /// `pg_ctl restart -m fast`.
    func restart() throws { try pgctl(["restart", "-m", "fast", "-w", "-t", "30", "-o", serverOptions]) }

    private var serverOptions: String {
        "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=\(directory) -c fsync=off -c max_connections=200"
    }

    private init() throws {
        binaries = try Self.findBinaries()
        var template = Array("/tmp/rung-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw StartError(message: "cannot create a temporary directory") }
        directory = String(cString: made)
        port = try Self.freePort()
        serverDirectory = directory
        serverBinaries = binaries
        atexit {
            guard let directory = serverDirectory, let binaries = serverBinaries else { return }
            _ = try? PostgresTestServer.run(binaries + "/pg_ctl", ["-D", directory + "/data", "stop", "-m", "immediate", "-w"])
            try? FileManager.default.removeItem(atPath: directory)
        }
        if getuid() == 0 {
            _ = try Self.run("/bin/chown", ["postgres:postgres", directory], asPostgres: false)
        }
        let passwordFile = directory + "/pw"
        try Self.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if getuid() == 0 { _ = try Self.run("/bin/chown", ["postgres:postgres", passwordFile], asPostgres: false) }
        try Self.run(binaries + "/initdb", ["-D", directory + "/data", "-U", "postgres", "--auth-local=trust",
                                           "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C"])
        try start()
        try admin("CREATE ROLE \(Self.user) LOGIN CREATEDB PASSWORD '\(Self.password)'")
    }

    private func pgctl(_ arguments: [String]) throws {
        try Self.run(binaries + "/pg_ctl", ["-D", directory + "/data"] + arguments)
    }

    /// Runs a tool (as the `postgres` user when we are root) and waits for it. Uses
    /// posix_spawn and waitpid, with output in a file: a pipe would be inherited by the
    /// server pg_ctl starts and never reach its end.
    @discardableResult
    private static func run(_ tool: String, _ arguments: [String], asPostgres: Bool = true) throws -> String {
        let argv = (asPostgres && getuid() == 0) ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + arguments
            : [tool] + arguments
        let outputPath = "/tmp/rung-pg-output-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw StartError(message: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        guard exited && code == 0 else {
            throw StartError(message: "\(tool) \(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    private static func findBinaries() throws -> String {
        let fileManager = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["RUNG_POSTGRES_BIN"] {
            guard fileManager.isExecutableFile(atPath: configured + "/pg_ctl") else {
                throw StartError(message: "RUNG_POSTGRES_BIN=\(configured) has no pg_ctl")
            }
            return configured
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() where fileManager.isExecutableFile(atPath: "\(root)/\(version)/bin/pg_ctl") {
            return "\(root)/\(version)/bin"
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where fileManager.isExecutableFile(atPath: "\(directory)/pg_ctl") && fileManager.isExecutableFile(atPath: "\(directory)/initdb") {
            return String(directory)
        }
        throw StartError(message: "pg_ctl and initdb were not found in \(root)/*/bin or on PATH")
    }

    /// A loopback port nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(message: "cannot create a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw StartError(message: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Set once when the server starts, read by the exit handler (a C function cannot capture).
nonisolated(unsafe) private var serverDirectory: String?
nonisolated(unsafe) private var serverBinaries: String?
