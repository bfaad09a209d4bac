import Foundation
import RungCore
@testable import RungBlob
import XCTest

/// A real moto S3 server on a free loopback port with signature checking switched on: an
/// IAM user with an allow-all policy and an access key is created through moto's IAM API,
/// then `/moto-api/reset-auth` makes moto verify every request's SigV4 signature.
///
/// `moto_server` is found through `RUNG_MOTO_SERVER`, else the package's `.venv/bin`, else
/// PATH. Missing, it is an error unless `RUNG_SKIP_S3_TESTS=1`.
final class S3MotoServer {
    let process: Process
    let endpoint: String
    let accessKeyID: String
    let secretAccessKey: String
    let logFile: URL

    /// Finds `moto_server`, or nil.
    static func executable() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["RUNG_MOTO_SERVER"], !configured.isEmpty { return configured }
        let venv = S3TestSupport.packageRoot.appendingPathComponent(".venv/bin/moto_server").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return S3TestSupport.onPath("moto_server")
    }

    init() throws {
        guard let executable = Self.executable() else {
            throw RungError.unavailable("moto_server not found (set RUNG_MOTO_SERVER, run scripts/install-deps --test to create .venv, or put it on PATH); set RUNG_SKIP_S3_TESTS=1 to skip the S3 tests")
        }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw RungError.unavailable("moto_server \(executable) (from RUNG_MOTO_SERVER) is not an executable file; set RUNG_SKIP_S3_TESTS=1 to skip the S3 tests")
        }
        let port = try S3TestSupport.freePort()
        endpoint = "http://127.0.0.1:\(port)"
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("rung-moto-\(port).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = log
        process.standardError = log
        try process.run()

        let transfer = CurlTransfer()
        let deadline = Date().addingTimeInterval(30)
        while true {
            if let response = try? transfer.perform(HTTPRequest(method: "GET", url: endpoint + "/moto-api/data.json", connectTimeout: 1)),
               response.status == 200 { break }
            guard process.isRunning, Date() < deadline else {
                process.terminate()
                throw RungError.unavailable("moto_server (\(executable)) did not start on \(endpoint); see \(logFile.path)")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }

        // Before auth is on, moto accepts any signature: set up the user with a dummy key.
        let setup = S3Credentials(accessKeyID: "AKIASETUP", secretAccessKey: "setup")
        func iam(_ parameters: [(String, String)]) throws -> String {
            try Self.query(port: port, service: "iam", version: "2010-05-08", parameters: parameters, credentials: setup)
        }
        do {
            _ = try iam([("Action", "CreateUser"), ("UserName", "rung-tests")])
            _ = try iam([("Action", "PutUserPolicy"), ("UserName", "rung-tests"), ("PolicyName", "all"),
                         ("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)])
            _ = try iam([("Action", "CreateRole"), ("RoleName", "rung-worker"),
                         ("AssumeRolePolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#)])
            _ = try iam([("Action", "PutRolePolicy"), ("RoleName", "rung-worker"), ("PolicyName", "all"),
                         ("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)])
            let key = try iam([("Action", "CreateAccessKey"), ("UserName", "rung-tests")])
            guard let id = S3XML.value("AccessKeyId", in: key[...]), let secret = S3XML.value("SecretAccessKey", in: key[...]) else {
                throw RungError.unavailable("moto created no access key: \(key)")
            }
            accessKeyID = id
            secretAccessKey = secret
            let reset = try transfer.perform(HTTPRequest(method: "POST", url: endpoint + "/moto-api/reset-auth",
                                                         headers: [("Content-Type", "text/plain")], body: .data(Data("0".utf8))))
            guard reset.status == 200 else { throw RungError.unavailable("moto reset-auth failed: HTTP \(reset.status)") }
        } catch {
            process.terminate()
            process.waitUntilExit()
            throw error
        }
    }

    /// Sends a signed query-API request (IAM, STS) to moto and returns the XML answer.
    static func query(port: Int, service: String, version: String, parameters: [(String, String)],
                      credentials: S3Credentials) throws -> String {
        let form = (parameters + [("Version", version)])
            .map { "\(SigV4Signer.encode($0.0, keepSlash: false))=\(SigV4Signer.encode($0.1, keepSlash: false))" }
            .joined(separator: "&")
        let body = Data(form.utf8)
        let date = Date()
        let payloadHash = SigV4Signer.sha256Hex(body)
        var headers = [("host", "127.0.0.1:\(port)"), ("x-amz-date", SigV4Signer.amzDate(date)),
                       ("content-type", "application/x-www-form-urlencoded")]
        let authorization = SigV4Signer(region: "us-east-1", service: service)
            .authorization(method: "POST", path: "/", query: [], headers: headers, payloadHash: payloadHash, credentials: credentials, date: date)
        headers.append(("Authorization", authorization))
        let response = try CurlTransfer().perform(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/", headers: headers, body: .data(body)))
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else { throw RungError.unavailable("moto \(service) \(parameters.first?.1 ?? "") failed: HTTP \(response.status) \(text)") }
        return text
    }

    /// Temporary credentials (with a session token) of the role `rung-worker`, from STS
    /// AssumeRole signed with the IAM user's key.
    func assumeRole() throws -> S3Credentials {
        let port = Int(endpoint.split(separator: ":").last!)!
        let xml = try Self.query(port: port, service: "sts", version: "2011-06-15", parameters: [
            ("Action", "AssumeRole"), ("RoleArn", "arn:aws:iam::123456789012:role/rung-worker"), ("RoleSessionName", "rung-tests"),
        ], credentials: credentials)
        guard let key = S3XML.value("AccessKeyId", in: xml[...]), let secret = S3XML.value("SecretAccessKey", in: xml[...]),
              let token = S3XML.value("SessionToken", in: xml[...]) else {
            throw RungError.unavailable("moto's AssumeRole answer has no credentials: \(xml)")
        }
        return S3Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, source: "the environment (AWS_SESSION_TOKEN)")
    }

    /// The credentials of the IAM user.
    var credentials: S3Credentials { S3Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, source: "the moto test user") }

    /// A configuration for `bucket` at this server.
    func configuration(bucket: String, prefix: String = "") -> S3Configuration {
        S3Configuration(bucket: bucket, prefix: prefix, endpoint: endpoint,
                        retry: S3RetryPolicy(maxAttempts: 3, baseDelay: 0.05, maxDelay: 0.5))
    }

    /// Creates `bucket` (signed with the IAM user's key).
    func createBucket(_ bucket: String) throws {
        let client = S3Client(configuration: configuration(bucket: bucket), credentials: S3StaticCredentialProvider(credentials))
        let response = try client.send(S3Operation(method: "PUT", objectKey: ""), uri: "s3://\(bucket)")
        guard response.status == 200 else { throw client.failure(response, method: "PUT", uri: "s3://\(bucket)") }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logFile)
    }
}
