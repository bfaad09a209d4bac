import Foundation
import RungCore
@testable import RungBlob
import XCTest

/// Retries against a misbehaving server (Fixtures/s3_fault_server.py): throttling is retried
/// until it clears, a server that keeps failing is given up on after the bounded number of
/// tries, a refusal is not retried, and a download cut short never lands in place.
final class S3RetryTests: XCTestCase {
    private var servers: [Process] = []

    override func tearDown() {
        for server in servers where server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
        servers = []
        super.tearDown()
    }

    /// Starts the fault server with `arguments`; returns a store pointing at it.
    private func store(_ arguments: [String], attempts: Int = 4, configure: (inout S3Configuration) -> Void = { _ in }) throws -> S3BlobStore {
        guard let python = S3TestSupport.python() else { throw XCTSkip("no python3 to run the fault server fixture") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [S3TestSupport.packageRoot.appendingPathComponent("Tests/RungStorageTests/Fixtures/s3_fault_server.py").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        servers.append(process)
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let port = try XCTUnwrap(Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        var configuration = S3Configuration(bucket: "rung-tests", endpoint: "http://127.0.0.1:\(port)",
                                            retry: S3RetryPolicy(maxAttempts: attempts, baseDelay: 0.02, maxDelay: 0.1))
        configure(&configuration)
        return S3BlobStore(configuration: configuration,
                           credentials: S3StaticCredentialProvider(S3Credentials(accessKeyID: "AKID", secretAccessKey: "secret")))
    }

    func testThrottlingIsRetriedUntilItClears() throws {
        let blobs = try store(["throttle", "2"])
        XCTAssertTrue(try blobs.exists("a.txt"))
        XCTAssertEqual(blobs.client.requestsSent, 3, "two 503 SlowDown answers, then success")
        let dir = try TemporaryDirectory()
        try blobs.get("a.txt", to: dir.url.appendingPathComponent("a.txt"))
        XCTAssertEqual(try String(contentsOf: dir.url.appendingPathComponent("a.txt"), encoding: .utf8), "hello")
    }

    func testPersistentServerErrorsAreBounded() throws {
        let blobs = try store(["status", "500", "InternalError"], attempts: 3)
        let error = captureError { try blobs.list(prefix: "") } as? RungError
        XCTAssertEqual(blobs.client.requestsSent, 3)
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertTrue(error?.message.contains("after 3 attempts") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("InternalError") ?? false, error?.message ?? "")
    }

    func testTooManyRequestsIsRetried() throws {
        let blobs = try store(["status", "429", "TooManyRequests"], attempts: 2)
        XCTAssertThrowsError(try blobs.exists("a.txt"))
        XCTAssertEqual(blobs.client.requestsSent, 2)
    }

    func testRefusalsAreNotRetried() throws {
        for (status, code, kind) in [("400", "InvalidArgument", RungError.Kind.badInput), ("403", "AccessDenied", .usage)] {
            let blobs = try store(["status", status, code])
            let error = captureError { try blobs.list(prefix: "") } as? RungError
            XCTAssertEqual(blobs.client.requestsSent, 1, code)
            XCTAssertEqual(error?.kind, kind, code)
            XCTAssertTrue(error?.message.contains(code) ?? false, error?.message ?? "")
        }
    }

    func testTruncatedDownloadIsRetriedAndNeverLandsInPlace() throws {
        let blobs = try store(["short"], attempts: 3)
        let dir = try TemporaryDirectory()
        let out = dir.url.appendingPathComponent("cache/val.bin")
        let error = captureError { try blobs.get("val.bin", to: out) } as? RungError
        XCTAssertEqual(blobs.client.requestsSent, 3)
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path("cache")), [])
    }

    func testFailedMultipartUploadIsAborted() throws {
        let blobs = try store(["multipart"]) { $0.partConcurrency = 1 }
        let dir = try TemporaryDirectory()
        let source = dir.url.appendingPathComponent("big.bin")
        try S3TestSupport.randomFile(at: source, size: 17 << 20, seed: 3)
        let error = captureError { try blobs.put(source, key: "big.bin") } as? RungError
        XCTAssertEqual(error?.kind, .badInput)
        XCTAssertTrue(error?.message.contains("part 2 of 3") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("InvalidPart") ?? false, error?.message ?? "")
        let endpoint = try XCTUnwrap(blobs.configuration.endpoint)
        let log = String(decoding: try CurlTransfer().perform(HTTPRequest(method: "GET", url: endpoint + "/__log")).body, as: UTF8.self)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(log.first, "POST /rung-tests/big.bin?uploads=")
        XCTAssertEqual(log.last, "DELETE /rung-tests/big.bin?uploadId=fixture-upload", "the upload is aborted")
        XCTAssertFalse(log.contains { $0.contains("partNumber=3") }, "no part is sent after a failure")
    }
}
