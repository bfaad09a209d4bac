import Foundation
import RungCore
@testable import RungBlob
import XCTest

/// The credential chain: environment, shared credentials file profiles, and IMDSv2 from a
/// small IMDSv2-speaking server on loopback (Fixtures/imds_server.py).
final class S3CredentialTests: XCTestCase {
    /// An endpoint nothing listens on, so the chain's last step fails fast.
    private func closedEndpoint() throws -> String { "http://127.0.0.1:\(try S3TestSupport.freePort())" }

    func testEnvironmentComesFirst() throws {
        let dir = try TemporaryDirectory()
        try "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n".write(toFile: dir.path("credentials"), atomically: true, encoding: .utf8)
        let chain = S3CredentialChain(environment: [
            "AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "envtoken",
            "AWS_SHARED_CREDENTIALS_FILE": dir.path("credentials"),
        ])
        let credentials = try chain.credentials()
        XCTAssertEqual(credentials.accessKeyID, "ENVKEY")
        XCTAssertEqual(credentials.secretAccessKey, "envsecret")
        XCTAssertEqual(credentials.sessionToken, "envtoken")
        XCTAssertTrue(credentials.source.contains("environment"))

        let half = captureError { try S3CredentialChain(environment: ["AWS_ACCESS_KEY_ID": "ENVKEY"]).credentials() } as? RungError
        XCTAssertEqual(half?.kind, .usage)
        XCTAssertTrue(half?.message.contains("AWS_SECRET_ACCESS_KEY is not") ?? false, half?.message ?? "")
    }

    func testCredentialsFileProfiles() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("credentials")
        try """
        # a comment
        [default]
        aws_access_key_id = DEFAULTKEY
        aws_secret_access_key = default/secret+x

        [profile ci]
        ; another comment
        aws_access_key_id=CIKEY
        aws_secret_access_key=cisecret
        aws_session_token = citoken

        [broken]
        aws_access_key_id = ONLYKEY
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let imds = try closedEndpoint()
        let base = ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds]

        let byDefault = try S3CredentialChain(environment: base).credentials()
        XCTAssertEqual(byDefault.accessKeyID, "DEFAULTKEY")
        XCTAssertEqual(byDefault.secretAccessKey, "default/secret+x")
        XCTAssertNil(byDefault.sessionToken)
        XCTAssertEqual(byDefault.source, "profile default of \(path)")

        var ci = base
        ci["AWS_PROFILE"] = "ci"
        let fromCI = try S3CredentialChain(environment: ci).credentials()
        XCTAssertEqual(fromCI.accessKeyID, "CIKEY")
        XCTAssertEqual(fromCI.sessionToken, "citoken")

        var missing = base
        missing["AWS_PROFILE"] = "nope"
        let error = captureError { try S3CredentialChain(environment: missing).credentials() } as? RungError
        XCTAssertEqual(error?.kind, .usage)
        XCTAssertTrue(error?.message.contains("profile nope") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("broken, ci, default") ?? false, error?.message ?? "")

        var broken = base
        broken["AWS_PROFILE"] = "broken"
        let brokenError = captureError { try S3CredentialChain(environment: broken).credentials() } as? RungError
        XCTAssertTrue(brokenError?.message.contains("no aws_secret_access_key") ?? false, brokenError?.message ?? "")

        // ~/.aws/credentials from the home directory when no file is named.
        let home = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.path(".aws"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: home.path(".aws/credentials"))
        let fromHome = try S3CredentialChain(environment: ["HOME": home.url.path, "AWS_EC2_METADATA_DISABLED": "true"]).credentials()
        XCTAssertEqual(fromHome.accessKeyID, "DEFAULTKEY")
    }

    func testMissingCredentialsListEveryPlace() throws {
        let home = try TemporaryDirectory()
        let imds = try closedEndpoint()
        let start = Date()
        let error = captureError {
            try S3CredentialChain(environment: ["HOME": home.url.path, "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds]).credentials()
        } as? RungError
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        let message = error?.message ?? ""
        XCTAssertEqual(error?.kind, .usage)
        XCTAssertTrue(message.contains("no AWS credentials found"), message)
        XCTAssertTrue(message.contains("AWS_ACCESS_KEY_ID"), message)
        XCTAssertTrue(message.contains(home.path(".aws/credentials")), message)
        XCTAssertTrue(message.contains(imds), message)
    }

    /// Starts Fixtures/imds_server.py; returns the process and its endpoint.
    private func startIMDS(expiresIn: Int) throws -> (Process, String) {
        guard let python = S3TestSupport.python() else {
            throw XCTSkip("no python3 to run the IMDS fixture server")
        }
        let script = S3TestSupport.packageRoot.appendingPathComponent("Tests/RungStorageTests/Fixtures/imds_server.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, String(expiresIn)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw RungError.internalFailure("the IMDS fixture printed no port")
        }
        return (process, "http://127.0.0.1:\(port)")
    }

    private struct LoggedRequest: Decodable {
        var method: String
        var path: String
        var ttl: String?
        var token: String?
    }

    private func requestLog(_ endpoint: String) throws -> [LoggedRequest] {
        let response = try CurlTransfer().perform(HTTPRequest(method: "GET", url: endpoint + "/log"))
        return try JSONDecoder().decode([LoggedRequest].self, from: response.body)
    }

    func testInstanceMetadataWithIMDSv2Token() throws {
        let (server, endpoint) = try startIMDS(expiresIn: 3600)
        defer { server.terminate(); server.waitUntilExit() }
        let home = try TemporaryDirectory()
        let chain = S3CredentialChain(environment: ["HOME": home.url.path, "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint])
        let credentials = try chain.credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIAFETCH1")
        XCTAssertEqual(credentials.secretAccessKey, "fixture-secret")
        XCTAssertEqual(credentials.sessionToken, "fixture-session-token")
        XCTAssertTrue(credentials.source.contains("rung-worker-role"), credentials.source)
        let expiration = try XCTUnwrap(credentials.expiration)
        XCTAssertEqual(expiration.timeIntervalSinceNow, 3600, accuracy: 120)

        let log = try requestLog(endpoint)
        XCTAssertEqual(log.map(\.method), ["PUT", "GET", "GET"])
        XCTAssertEqual(log.first?.path, "/latest/api/token")
        XCTAssertEqual(log.first?.ttl, "21600")
        XCTAssertEqual(log.dropFirst().map(\.token), ["fixture-token-123", "fixture-token-123"])
        XCTAssertEqual(log.last?.path, "/latest/meta-data/iam/security-credentials/rung-worker-role")

        // Cached until close to expiry: no new requests.
        XCTAssertEqual(try chain.credentials().accessKeyID, "ASIAFETCH1")
        XCTAssertEqual(try requestLog(endpoint).count, 3)
    }

    func testInstanceMetadataCredentialsAreRefreshedBeforeExpiry() throws {
        // Credentials that expire in 2 minutes are inside the 5-minute refresh margin.
        let (server, endpoint) = try startIMDS(expiresIn: 120)
        defer { server.terminate(); server.waitUntilExit() }
        let home = try TemporaryDirectory()
        let chain = S3CredentialChain(environment: ["HOME": home.url.path, "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint])
        XCTAssertEqual(try chain.credentials().accessKeyID, "ASIAFETCH1")
        XCTAssertEqual(try chain.credentials().accessKeyID, "ASIAFETCH2")
        XCTAssertEqual(try requestLog(endpoint).filter { $0.method == "PUT" }.count, 2)
    }
}
