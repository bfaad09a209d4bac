import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// A moto S3 server on a free loopback port, without signature checks (RungStorageTests has
/// the signing-checked one), and one empty bucket. `moto_server` is found through
/// `RUNG_MOTO_SERVER`, the package's `.venv/bin`, next to `RUNG_PYTHON`, else on PATH;
/// missing, it fails the test unless `RUNG_SKIP_S3_TESTS=1` (then the test is skipped).
final class MotoS3 {
    let endpoint: String
    let bucket = "rung-test"
    private let process: Process
    private let log: URL

    /// The environment that points rung's S3 client at this server.
    var environment: [String: String] {
        ["RUNG_S3_ENDPOINT": endpoint, "AWS_ACCESS_KEY_ID": "rung-test", "AWS_SECRET_ACCESS_KEY": "rung-test",
         "AWS_REGION": "us-east-1", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"]
    }

    /// Starts the server for `test` (stopped when the test ends) and creates the bucket.
    init(_ test: XCTestCase) throws {
        let env = ProcessInfo.processInfo.environment
        if env["RUNG_SKIP_S3_TESTS"] == "1" { throw XCTSkip("RUNG_SKIP_S3_TESTS=1") }
        guard let executable = Self.executable(env) else {
            throw MotoError("moto_server not found (set RUNG_MOTO_SERVER or RUNG_PYTHON, or run scripts/install-deps --test); set RUNG_SKIP_S3_TESTS=1 to skip the S3 tests")
        }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw MotoError("moto_server \(executable) (from RUNG_MOTO_SERVER) is not an executable file; set RUNG_SKIP_S3_TESTS=1 to skip the S3 tests")
        }
        let port = try Self.freePort()
        endpoint = "http://127.0.0.1:\(port)"
        log = FileManager.default.temporaryDirectory.appendingPathComponent("rung-moto-\(port)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        test.addTeardownBlock { [process, log] in
            if process.isRunning { process.terminate(); process.waitUntilExit() }
            try? FileManager.default.removeItem(at: log)
        }
        let deadline = Date().addingTimeInterval(30)
        while Self.request("GET", endpoint + "/") != 200 {
            guard process.isRunning, Date() < deadline else {
                throw MotoError("moto_server (\(executable)) did not start on \(endpoint): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        guard Self.request("PUT", endpoint + "/" + bucket) == 200 else {
            throw MotoError("moto_server did not create the bucket \(bucket)")
        }
    }

    /// Creates one more bucket (a walk-through uses the bucket its docs name).
    func createBucket(_ name: String) throws {
        guard Self.request("PUT", endpoint + "/" + name) == 200 else { throw MotoError("moto_server did not create the bucket \(name)") }
    }

    /// A failure to start the server: it fails the test (never skips it).
    struct MotoError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private static func executable(_ env: [String: String]) -> String? {
        if let configured = env["RUNG_MOTO_SERVER"], !configured.isEmpty { return configured }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [root.appendingPathComponent(".venv/bin/moto_server").path]
        if let python = env["RUNG_PYTHON"], !python.isEmpty {
            candidates.append(URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("moto_server").path)
        }
        candidates += (env["PATH"] ?? "").split(separator: ":").map { "\($0)/moto_server" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The HTTP status of an unsigned request, or nil when the server does not answer.
    private static func request(_ method: String, _ url: String) -> Int? {
        final class Box: @unchecked Sendable { var status: Int? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: 2)
        request.httpMethod = method
        URLSession.shared.dataTask(with: request) { _, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode
            done.signal()
        }.resume()
        done.wait()
        return box.status
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MotoError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw MotoError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
