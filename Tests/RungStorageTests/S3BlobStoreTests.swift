import Crypto
import Foundation
import RungCore
@testable import RungBlob
@testable import RungStore
@testable import RungArtifacts
import XCTest

/// `S3BlobStore` against a real moto server with SigV4 checking on (see `S3MotoServer`).
final class S3BlobStoreTests: XCTestCase {
    nonisolated(unsafe) private static var server: S3MotoServer?
    nonisolated(unsafe) private static var startError: Error?
    private static let bucket = "rung-tests"

    override class func setUp() {
        super.setUp()
        guard ProcessInfo.processInfo.environment["RUNG_SKIP_S3_TESTS"] != "1" else { return }
        do {
            let started = try S3MotoServer()
            try started.createBucket(bucket)
            server = started
        } catch {
            startError = error
        }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    /// The running server, or a skip (RUNG_SKIP_S3_TESTS=1) or a failure naming the problem.
    private func moto() throws -> S3MotoServer {
        if ProcessInfo.processInfo.environment["RUNG_SKIP_S3_TESTS"] == "1" {
            throw XCTSkip("RUNG_SKIP_S3_TESTS=1")
        }
        if let server = Self.server { return server }
        XCTFail("cannot start moto for the S3 tests: \(Self.startError.map { "\($0)" } ?? "unknown error")")
        throw Self.startError ?? RungError.internalFailure("moto did not start")
    }

    /// A store under a fresh prefix so tests do not see each other's objects.
    private func store(_ configure: (inout S3Configuration) -> Void = { _ in }) throws -> S3BlobStore {
        let server = try moto()
        var configuration = server.configuration(bucket: Self.bucket, prefix: "t-\(UUID().uuidString.prefix(8))/root")
        configure(&configuration)
        return S3BlobStore(configuration: configuration, credentials: S3StaticCredentialProvider(server.credentials))
    }

    private func sha256(_ url: URL) throws -> String {
        SigV4Signer.hex(SHA256.hash(data: try Data(contentsOf: url)))
    }

    func testSmallObjectRoundTrip() throws {
        let blobs = try store()
        let dir = try TemporaryDirectory()
        let source = dir.url.appendingPathComponent("model.json")
        try Data(#"{"trees": [1, 2, 3], "name": "ünïcode & <xml>"}"#.utf8).write(to: source)
        try blobs.put(source, key: "registry/xgboost/v1/model.json")

        XCTAssertTrue(try blobs.exists("registry/xgboost/v1/model.json"))
        XCTAssertFalse(try blobs.exists("registry/xgboost/v1/missing.json"))
        let headers = try XCTUnwrap(try blobs.head("registry/xgboost/v1/model.json"))
        XCTAssertEqual(headers["x-amz-meta-sha256"], try sha256(source))

        let out = dir.url.appendingPathComponent("out/nested/model.json")
        try blobs.get("registry/xgboost/v1/model.json", to: out)
        XCTAssertEqual(try Data(contentsOf: out), try Data(contentsOf: source))
        XCTAssertEqual(blobs.uri(for: "registry/xgboost/v1/model.json"), blobs.rootURI + "/registry/xgboost/v1/model.json")
        XCTAssertNil(blobs.localFile(for: "registry/xgboost/v1/model.json"))

        let missing = captureError { try blobs.get("registry/nothing.json", to: dir.url.appendingPathComponent("x")) } as? RungError
        XCTAssertEqual(missing?.kind, .badInput)
        XCTAssertTrue(missing?.message.contains("registry/nothing.json") ?? false, missing?.message ?? "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("x")))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix(".rung-tmp-") }, [])

        // Replacing an object; an empty file round-trips too.
        let empty = dir.url.appendingPathComponent("empty")
        try Data().write(to: empty)
        try blobs.put(empty, key: "registry/xgboost/v1/model.json")
        try blobs.get("registry/xgboost/v1/model.json", to: out)
        XCTAssertEqual(try Data(contentsOf: out).count, 0)
    }

    func testMultipartRoundTrip() throws {
        let blobs = try store()
        let dir = try TemporaryDirectory()
        let source = dir.url.appendingPathComponent("big.bin")
        try S3TestSupport.randomFile(at: source, size: 20 << 20, seed: 7)
        try blobs.put(source, key: "splits/train.bin")
        // A multipart object's ETag ends in -<parts>: 20 MiB in 8 MiB parts is 3.
        let headers = try XCTUnwrap(try blobs.head("splits/train.bin"))
        XCTAssertTrue(headers["etag"]?.hasSuffix("-3\"") ?? false, headers["etag"] ?? "no etag")
        XCTAssertEqual(headers["content-length"], String(20 << 20))
        let out = dir.url.appendingPathComponent("copy.bin")
        try blobs.get("splits/train.bin", to: out)
        XCTAssertEqual(try sha256(out), try sha256(source))
    }

    func testOneStoreFromManyThreads() throws {
        let blobs = try store()
        let dir = try TemporaryDirectory()
        let root = dir.url
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var messages: [String] = []
            func add(_ message: String) { lock.lock(); messages.append(message); lock.unlock() }
        }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            do {
                let source = root.appendingPathComponent("in-\(index)")
                try Data(repeating: UInt8(index), count: 1000 + index * 37).write(to: source)
                try blobs.put(source, key: "threads/\(index).bin")
                let out = root.appendingPathComponent("out-\(index)")
                try blobs.get("threads/\(index).bin", to: out)
                if try Data(contentsOf: out) != Data(contentsOf: source) { failures.add("\(index): different bytes") }
            } catch {
                failures.add("\(index): \(error)")
            }
        }
        XCTAssertEqual(failures.messages, [])
        XCTAssertEqual(try blobs.list(prefix: "threads/").count, 12)
    }

    func testListFollowsContinuationTokens() throws {
        let blobs = try store { $0.listPageSize = 7 }
        let dir = try TemporaryDirectory()
        let source = dir.url.appendingPathComponent("x")
        try Data("x".utf8).write(to: source)
        var expected: [String] = []
        for index in 0..<20 {
            let key = "many/item-\(index).txt"
            try blobs.put(source, key: key)
            expected.append(key)
        }
        try blobs.put(source, key: "manyother.txt")
        let before = blobs.client.requestsSent
        XCTAssertEqual(try blobs.list(prefix: "many/"), expected.sorted())
        XCTAssertEqual(blobs.client.requestsSent - before, 3, "20 keys in pages of 7")
        XCTAssertEqual(try blobs.list(prefix: "many").count, 21)
        XCTAssertEqual(try blobs.list(prefix: "nothing/"), [])
    }

    func testDeletePrefix() throws {
        let blobs = try store()
        let dir = try TemporaryDirectory()
        let source = dir.url.appendingPathComponent("x")
        try Data("payload".utf8).write(to: source)
        for key in ["runs/1/a.json", "runs/1/b/c.json", "runs/10/a.json", "runs/1.json"] {
            try blobs.put(source, key: key)
        }
        try blobs.delete("runs/1")
        XCTAssertEqual(try blobs.list(prefix: ""), ["runs/1.json", "runs/10/a.json"].sorted())
        try blobs.delete("runs/1.json")
        try blobs.delete("runs/never-there")
        XCTAssertEqual(try blobs.list(prefix: ""), ["runs/10/a.json"])
    }

    func testPutDirectoryReplacesAndWritesManifestLast() throws {
        let blobs = try store()
        let dir = try TemporaryDirectory()
        let a = dir.url.appendingPathComponent("a"), b = dir.url.appendingPathComponent("b")
        try Data("first".utf8).write(to: a)
        try Data("second".utf8).write(to: b)
        XCTAssertNil(try blobs.directoryManifest(prefix: "registry/lr/v1"))
        try blobs.putDirectory(["model.json": a, "old.json": b], prefix: "registry/lr/v1")
        try blobs.putDirectory(["model.json": b, "sub/metadata.json": a], prefix: "registry/lr/v1")
        XCTAssertEqual(try blobs.list(prefix: "registry/lr/v1/"), ["registry/lr/v1/model.json", "registry/lr/v1/sub/metadata.json"])
        let manifest = try XCTUnwrap(try blobs.directoryManifest(prefix: "registry/lr/v1"))
        XCTAssertEqual(Set(manifest.files.keys), ["model.json", "sub/metadata.json"])
        XCTAssertEqual(manifest.files["model.json"]?.sha256, try sha256(b))
        XCTAssertEqual(manifest.files["model.json"]?.size, 6)
        let out = dir.url.appendingPathComponent("model.json")
        try blobs.get("registry/lr/v1/model.json", to: out)
        XCTAssertEqual(String(decoding: try Data(contentsOf: out), as: UTF8.self), "second")
        try blobs.delete("registry/lr/v1")
        XCTAssertNil(try blobs.directoryManifest(prefix: "registry/lr/v1"))
        XCTAssertEqual(try blobs.list(prefix: ""), [])
    }

    func testRegistryOnS3() throws {
        let blobs = try store()
        let dir = try TemporaryDirectory()
        let database = try SQLiteStore(path: dir.path("rung.db"))
        let registry = Registry(store: database, blobs: blobs, cacheDirectory: dir.url.appendingPathComponent("cache"))
        let source = dir.url.appendingPathComponent("trial", isDirectory: true)
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let model = Data(#"{"learner":{"tag":"s3"},"version":[1,7,4]}"#.utf8)
        try model.write(to: source.appendingPathComponent("model.json"))
        try Data(#"{"numeric":[]}"#.utf8).write(to: source.appendingPathComponent("preprocessor.json"))
        let metadata = ModelMetadata(family: "xgboost", params: ["max_depth": .int(6)], seed: 42, metrics: ["test_auc": 0.8],
                                     dataVersion: "sha256:abc", sweepID: 1, trialID: 1)
        let version = try registry.register(family: "xgboost", sourceDirectory: source, metadata: metadata, policy: PromotionPolicy())
        XCTAssertTrue(version.uri.hasPrefix("s3://\(Self.bucket)/"), version.uri)
        XCTAssertNotNil(try blobs.directoryManifest(prefix: "registry/xgboost/v1"))
        let local = try registry.resolve("xgboost@production")
        XCTAssertEqual(try Data(contentsOf: local.appendingPathComponent("model.json")), model)
        XCTAssertTrue(FileManager.default.fileExists(atPath: local.appendingPathComponent("metadata.json").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: local.appendingPathComponent(S3DirectoryManifest.fileName).path))
    }

    func testWrongSecretFailsOnceWithClearError() throws {
        let server = try moto()
        var credentials = server.credentials
        credentials.secretAccessKey = "not-the-secret"
        credentials.source = "the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"
        let blobs = S3BlobStore(configuration: server.configuration(bucket: Self.bucket, prefix: "wrong"),
                                credentials: S3StaticCredentialProvider(credentials))
        let dir = try TemporaryDirectory()
        let source = dir.url.appendingPathComponent("x")
        try Data("x".utf8).write(to: source)
        let start = Date()
        let error = captureError { try blobs.put(source, key: "a.txt") } as? RungError
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertEqual(blobs.client.requestsSent, 1, "a refused signature is not retried")
        XCTAssertEqual(error?.kind, .usage)
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("SignatureDoesNotMatch"), message)
        XCTAssertTrue(message.contains("s3://rung-tests/wrong/a.txt"), message)
        XCTAssertTrue(message.contains("AWS_SECRET_ACCESS_KEY"), message)
        XCTAssertFalse(message.contains("not-the-secret"), "the secret is never printed")

        var unknown = server.credentials
        unknown.accessKeyID = "AKIAUNKNOWNKEY000000"
        let stranger = S3BlobStore(configuration: server.configuration(bucket: Self.bucket), credentials: S3StaticCredentialProvider(unknown))
        let refused = captureError { try stranger.list(prefix: "") } as? RungError
        XCTAssertEqual(refused?.kind, .usage)
        XCTAssertTrue(refused?.message.contains("InvalidAccessKeyId") ?? false, refused?.message ?? "")
        XCTAssertEqual(stranger.client.requestsSent, 1)
    }

    func testSessionTokenCredentials() throws {
        let server = try moto()
        let session = try server.assumeRole()
        XCTAssertTrue(session.accessKeyID.hasPrefix("ASIA"), session.accessKeyID)
        let blobs = S3BlobStore(configuration: server.configuration(bucket: Self.bucket, prefix: "session"),
                                credentials: S3StaticCredentialProvider(session))
        let dir = try TemporaryDirectory()
        let source = dir.url.appendingPathComponent("x")
        try Data("signed with a session token".utf8).write(to: source)
        try blobs.put(source, key: "token.txt")
        XCTAssertEqual(try blobs.list(prefix: ""), ["token.txt"])

        var wrong = session
        wrong.sessionToken = "not-the-token"
        let refused = S3BlobStore(configuration: server.configuration(bucket: Self.bucket, prefix: "session"),
                                  credentials: S3StaticCredentialProvider(wrong))
        let error = captureError { try refused.list(prefix: "") } as? RungError
        XCTAssertEqual(error?.kind, .usage)
        XCTAssertTrue(error?.message.contains("session token") ?? false, error?.message ?? "")
        XCTAssertEqual(refused.client.requestsSent, 1)
    }

    func testUnreachableEndpointGivesUpAfterBoundedRetries() throws {
        let port = try S3TestSupport.freePort()
        let configuration = S3Configuration(bucket: "rung-tests", endpoint: "http://127.0.0.1:\(port)",
                                            retry: S3RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.2), connectTimeout: 1)
        let blobs = S3BlobStore(configuration: configuration,
                                credentials: S3StaticCredentialProvider(S3Credentials(accessKeyID: "AKID", secretAccessKey: "s")))
        let start = Date()
        let error = captureError { try blobs.exists("a.txt") } as? RungError
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(blobs.client.requestsSent, 4)
        XCTAssertEqual(error?.kind, .unavailable)
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("http://127.0.0.1:\(port)"), message)
        XCTAssertTrue(message.contains("after 4 attempts"), message)
    }

    func testCorruptedDownloadIsDetected() throws {
        let blobs = try store()
        let dir = try TemporaryDirectory()
        let source = dir.url.appendingPathComponent("good")
        try Data(repeating: 0x61, count: 4096).write(to: source)
        try blobs.put(source, key: "splits/val.bin")
        let goodSHA = try XCTUnwrap(try blobs.head("splits/val.bin")?["x-amz-meta-sha256"])

        // Overwrite the object with other bytes of the same size, keeping the old checksum.
        var bad = Data(repeating: 0x61, count: 4096)
        bad[1000] = 0x62
        let response = try blobs.client.send(S3Operation(method: "PUT", objectKey: blobs.objectKey("splits/val.bin"),
                                                         headers: [("x-amz-meta-sha256", goodSHA)], body: .data(bad),
                                                         payloadHash: SigV4Signer.sha256Hex(bad)), uri: "corrupting")
        XCTAssertEqual(response.status, 200)

        let outDir = dir.url.appendingPathComponent("cache")
        let out = outDir.appendingPathComponent("val.bin")
        let error = captureError { try blobs.get("splits/val.bin", to: out) } as? RungError
        XCTAssertEqual(error?.kind, .badInput)
        XCTAssertTrue(error?.message.contains("corrupt") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains(goodSHA) ?? false, error?.message ?? "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outDir.path), [], "the partial file is removed")
    }

    func testUploadCorruptedInTransitIsDetectedByETag() throws {
        // moto checks neither Content-MD5 nor the payload hash (real S3 checks both), but
        // it answers with the MD5 of what it received as the ETag: put compares it with
        // the MD5 of what it hashed. Here the body is changed after hashing.
        let blobs = try store()
        let hashed = Data("the bytes that were hashed".utf8)
        var received = hashed
        received[0] = UInt8(ascii: "T")
        let hashedMD5 = Data(Insecure.MD5.hash(data: hashed))
        let response = try blobs.client.send(S3Operation(method: "PUT", objectKey: blobs.objectKey("digest.txt"),
                                                         headers: [("content-md5", hashedMD5.base64EncodedString())],
                                                         body: .data(received), payloadHash: SigV4Signer.sha256Hex(received)), uri: "digest")
        XCTAssertEqual(response.status, 200)
        let error = captureError { try S3BlobStore.checkETag(response, expectedMD5: SigV4Signer.hex(hashedMD5), uri: "s3://x/digest.txt") } as? RungError
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertTrue(error?.message.contains("corrupted in transit") ?? false, error?.message ?? "")
        XCTAssertNoThrow(try S3BlobStore.checkETag(response, expectedMD5: SigV4Signer.hex(Insecure.MD5.hash(data: received)), uri: "s3://x/digest.txt"))
    }

    func testOpenBlobStoreUsesEnvironment() throws {
        let server = try moto()
        let dir = try TemporaryDirectory()
        let environment = ["RUNG_S3_ENDPOINT": server.endpoint, "AWS_ACCESS_KEY_ID": server.accessKeyID,
                           "AWS_SECRET_ACCESS_KEY": server.secretAccessKey, "AWS_REGION": "us-east-1", "HOME": dir.url.path]
        let blobs = try openBlobStore(uri: "s3://\(Self.bucket)/env-test", environment: environment)
        XCTAssertEqual(blobs.rootURI, "s3://\(Self.bucket)/env-test")
        let source = dir.url.appendingPathComponent("x")
        try Data("hello".utf8).write(to: source)
        try blobs.put(source, key: "hello.txt")
        XCTAssertEqual(try blobs.list(prefix: ""), ["hello.txt"])
        let out = dir.url.appendingPathComponent("y")
        try blobs.get("hello.txt", to: out)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), "hello")
        try blobs.delete("hello.txt")
        XCTAssertFalse(try blobs.exists("hello.txt"))
    }
}
