import Foundation
import RungCore
import RungBlob
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A real MLflow tracking server for the tests: `python -m mlflow server` with a SQLite
/// backend and served artifacts in a temporary directory, on a free loopback port. It can
/// be killed and started again on the same port and data (the outage test).
///
/// Python with mlflow is `RUNG_MLFLOW_PYTHON`, else the package's `.venv/bin/python`
/// (scripts/install-deps --test installs mlflow there). Missing, the tests fail unless
/// `RUNG_SKIP_MLFLOW_TESTS=1`, which skips them (reported as skipped, never as passed).
final class MLflowTestServer {
    let python: String
    let directory: URL
    let port: Int
    var process: Process?
    var uri: String { "http://127.0.0.1:\(port)" }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python that has mlflow, or nil.
    static func pythonWithMLflow() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["RUNG_MLFLOW_PYTHON"], !configured.isEmpty { return configured }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else { return nil }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: venv)
        check.arguments = ["-c", "import mlflow"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return nil }
        check.waitUntilExit()
        return check.terminationStatus == 0 ? venv : nil
    }

    /// Starts a server (or throws XCTSkip when mlflow is missing and skipping is asked for).
    init() throws {
        guard let python = Self.pythonWithMLflow() else {
            if ProcessInfo.processInfo.environment["RUNG_SKIP_MLFLOW_TESTS"] == "1" {
                throw XCTSkip("mlflow is not installed (RUNG_SKIP_MLFLOW_TESTS=1)")
            }
            throw RungError.unavailable("no Python with mlflow: set RUNG_MLFLOW_PYTHON or run scripts/install-deps --test; RUNG_SKIP_MLFLOW_TESTS=1 skips these tests")
        }
        self.python = python
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rung-mlflow-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    var logFile: URL { directory.appendingPathComponent("server.log") }

    /// Starts the server process and waits until `/health` answers (up to 180 s: a first
    /// start creates MLflow's schema, which takes long on a loaded machine).
    func start() throws {
        if !FileManager.default.fileExists(atPath: logFile.path) { _ = FileManager.default.createFile(atPath: logFile.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "mlflow", "server",
                             "--backend-store-uri", "sqlite:///" + directory.appendingPathComponent("mlflow.db").path,
                             "--artifacts-destination", directory.appendingPathComponent("artifacts").path,
                             "--host", "127.0.0.1", "--port", String(port), "--workers", "1"]
        var environment = ProcessInfo.processInfo.environment
        environment["MLFLOW_TRACKING_URI"] = nil
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let client = HTTPClient(connectTimeout: 1, totalTimeout: 2)
        let deadline = Date().addingTimeInterval(180)
        while true {
            if let reply = try? client.send(method: "GET", url: uri + "/health"), reply.status == 200 { return }
            guard process.isRunning, Date() < deadline else {
                kill()
                throw RungError.unavailable("mlflow server did not start on \(uri); see \(logFile.path):\n" + tail())
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// Kills the server with SIGKILL (its children too: it runs uvicorn workers) and waits.
    func kill() {
        guard let process, process.isRunning else { return }
        let pid = process.processIdentifier
        // The server's workers are its children: end them first, then the server.
        let children = Self.children(of: pid)
        for child in children { Glibc.kill(child, SIGKILL) }
        Glibc.kill(pid, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Direct children of `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }.flatMap { [$0] + children(of: $0) }
    }

    /// The end of the server's log.
    func tail() -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return String(text.suffix(3000))
    }

    /// Runs a Python script with mlflow against this server and returns its standard output.
    func python(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        var environment = ProcessInfo.processInfo.environment
        environment["MLFLOW_TRACKING_URI"] = uri
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RungError.internalFailure("python failed (\(process.terminationStatus)):\n" + String(decoding: error.suffix(3000), as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RungError.internalFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw RungError.internalFailure("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
