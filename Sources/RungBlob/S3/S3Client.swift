import Foundation
import RungCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One S3 request before signing: method, object key (full key in the bucket, empty for
/// the bucket itself), query, extra headers to sign, body and the body's SHA-256.
struct S3Operation: Sendable {
    var method: String
    var objectKey: String
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var body: HTTPRequest.Body = .none
    var payloadHash: String = SigV4Signer.emptyPayloadHash
}

/// Sends signed S3 requests with retries and turns S3's answers into `RungError`s. Shared
/// by every copy of an `S3BlobStore`; its parts are Sendable (the transfer pool and the
/// counter are lock-guarded classes).
final class S3Client: Sendable {
    let configuration: S3Configuration
    let credentials: any S3CredentialProvider
    let signer: SigV4Signer
    private let transfer = CurlTransfer()
    private let counter = RequestCounter()

    init(configuration: S3Configuration, credentials: any S3CredentialProvider, service: String = "s3") {
        self.configuration = configuration
        self.credentials = credentials
        self.signer = SigV4Signer(region: configuration.region, service: service)
    }

    /// Requests sent so far, retries included (tests check for retry storms with it).
    var requestsSent: Int { counter.value }

    /// Sends `operation`, retrying transient failures per the retry policy; `uri` names the
    /// object in messages. A successful body goes to `sink` (truncated before each try) when
    /// given. Returns the final response, which may be a non-transient error status for the
    /// caller to judge (see `failure`).
    func send(_ operation: S3Operation, uri: String, sink: Int32? = nil) throws -> HTTPResponse {
        let policy = configuration.retry
        let start = Date()
        var attempt = 0
        while true {
            attempt += 1
            counter.increment()
            if let sink {
                guard ftruncate(sink, 0) == 0, lseek(sink, 0, SEEK_SET) == 0 else {
                    throw RungError.unavailable("cannot reset the download file for \(uri): \(String(cString: strerror(errno)))")
                }
            }
            let request = try signedRequest(operation, credentials: try credentials.credentials())
            let elapsed = { Date().timeIntervalSince(start) }
            let canRetry = { attempt < policy.maxAttempts && elapsed() < policy.maxElapsed }
            do {
                let response = try transfer.perform(request, sink: sink)
                if (200..<300).contains(response.status) || response.status == 304 {
                    // CompleteMultipartUpload may report an error inside a 200 response.
                    if operation.method == "POST", Self.rootElementIsError(response.body) {
                        let text = String(decoding: response.body, as: UTF8.self)
                        if canRetry() { sleepBeforeRetry(attempt, policy); continue }
                        let code = S3XML.value("Code", in: text[...]) ?? "InternalError"
                        throw RungError.unavailable("S3 at \(configuration.endpointDescription) failed \(operation.method) \(uri) with \(code) after \(attempt) attempts")
                    }
                    return response
                }
                let code = Self.errorCode(response)
                if S3RetryPolicy.isTransient(status: response.status, code: code) {
                    if canRetry() { sleepBeforeRetry(attempt, policy); continue }
                    throw RungError.unavailable("S3 at \(configuration.endpointDescription) kept failing \(operation.method) \(uri): HTTP \(response.status)\(code.map { " " + $0 } ?? "") after \(attempt) attempts in \(String(format: "%.1f", elapsed())) s")
                }
                return response
            } catch HTTPTransferFailure.unreachable(let detail) {
                if canRetry() { sleepBeforeRetry(attempt, policy); continue }
                throw RungError.unavailable("cannot reach the S3 endpoint \(configuration.endpointDescription) for \(uri) after \(attempt) attempts in \(String(format: "%.1f", elapsed())) s: \(detail)")
            } catch HTTPTransferFailure.network(let detail) {
                if canRetry() { sleepBeforeRetry(attempt, policy); continue }
                throw RungError.unavailable("the connection to the S3 endpoint \(configuration.endpointDescription) kept failing during \(operation.method) \(uri): \(detail) (after \(attempt) attempts in \(String(format: "%.1f", elapsed())) s)")
            } catch HTTPTransferFailure.local(let detail) {
                throw RungError.unavailable("cannot transfer \(uri): \(detail)")
            }
        }
    }

    private func sleepBeforeRetry(_ attempt: Int, _ policy: S3RetryPolicy) {
        let delay = policy.delay(beforeRetry: attempt)
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
    }

    /// Builds the URL and headers of `operation` and signs them with `credentials`.
    func signedRequest(_ operation: S3Operation, credentials: S3Credentials, date: Date = Date()) throws -> HTTPRequest {
        let location = configuration.location(objectKey: operation.objectKey)
        var headers: [(String, String)] = [
            ("host", location.host),
            ("x-amz-date", SigV4Signer.amzDate(date)),
            ("x-amz-content-sha256", operation.payloadHash),
        ]
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        headers += operation.headers
        let authorization = signer.authorization(method: operation.method, path: location.path, query: operation.query,
                                                 headers: headers, payloadHash: operation.payloadHash,
                                                 credentials: credentials, date: date)
        headers.append(("Authorization", authorization))
        let query = SigV4Signer.canonicalQuery(operation.query)
        let url = "\(location.scheme)://\(location.host)\(SigV4Signer.encode(location.path, keepSlash: true))" + (query.isEmpty ? "" : "?" + query)
        return HTTPRequest(method: operation.method, url: url, headers: headers, body: operation.body,
                           connectTimeout: configuration.connectTimeout, stallTimeout: configuration.stallTimeout)
    }

    /// Whether an XML body's root element is `<Error>` (after any `<?xml …?>` declaration).
    static func rootElementIsError(_ body: Data) -> Bool {
        let head = String(decoding: body.prefix(512), as: UTF8.self)
        var rest = head.drop { $0.isWhitespace }
        if rest.hasPrefix("<?xml"), let end = rest.range(of: "?>") {
            rest = rest[end.upperBound...].drop { $0.isWhitespace }
        }
        return rest.hasPrefix("<Error>")
    }

    /// The `<Code>` of an S3 error response, if it has one.
    static func errorCode(_ response: HTTPResponse) -> String? {
        guard !response.body.isEmpty, let text = String(data: response.body, encoding: .utf8) else { return nil }
        return S3XML.value("Code", in: text[...])
    }

    /// The `RungError` for an unsuccessful final `response` to `method` on `uri`.
    func failure(_ response: HTTPResponse, method: String, uri: String) -> RungError {
        let text = String(data: response.body, encoding: .utf8) ?? ""
        let code = S3XML.value("Code", in: text[...])
        let message = S3XML.value("Message", in: text[...]).map { ": " + $0 } ?? ""
        let current = try? credentials.credentials()
        let source = current?.source ?? "the credential chain"
        let keyID = current?.accessKeyID ?? "?"
        switch (response.status, code) {
        case (_, "SignatureDoesNotMatch"?):
            return .usage("S3 refused the signature for \(uri): check the secret access key from \(source) (SignatureDoesNotMatch)")
        case (_, "InvalidAccessKeyId"?):
            return .usage("S3 does not know the access key \(keyID) from \(source), used for \(uri): check the access key id (InvalidAccessKeyId)")
        case (_, "ExpiredToken"?), (_, "InvalidToken"?), (_, "TokenRefreshRequired"?):
            return .usage("S3 refused the session token from \(source) for \(uri) (\(code!)); get fresh credentials")
        case (_, "PermanentRedirect"?), (_, "AuthorizationHeaderMalformed"?), (301, _):
            let region = response.headers["x-amz-bucket-region"] ?? S3XML.value("Region", in: text[...])
            return .usage("the bucket \(configuration.bucket) is not in region \(configuration.region)"
                + (region.map { "; set AWS_REGION=\($0)" } ?? "; set AWS_REGION to its region") + " (\(code ?? "HTTP 301"), for \(uri))")
        case (_, "RequestTimeTooSkewed"?):
            return .usage("S3 refused \(method) \(uri) because this machine's clock differs from S3's by more than 15 minutes; fix the clock (RequestTimeTooSkewed)")
        case (403, nil):
            return .usage("S3 refused \(method) \(uri) (HTTP 403 without details): check the access key \(keyID) and the secret from \(source), and that the key may use the bucket")
        case (_, "NoSuchBucket"?):
            return .badInput("the bucket \(configuration.bucket) does not exist at \(configuration.endpointDescription) (NoSuchBucket), needed for \(uri)")
        case (403, _):
            return .usage("S3 denied \(method) \(uri) to the access key \(keyID) from \(source) (\(code ?? "HTTP 403")\(message))")
        case (404, _):
            return .badInput("\(uri) does not exist (\(code ?? "HTTP 404"))")
        case (400..<500, _):
            return .badInput("S3 rejected \(method) \(uri): HTTP \(response.status) \(code ?? "")\(message)")
        default:
            return .unavailable("S3 at \(configuration.endpointDescription) failed \(method) \(uri): HTTP \(response.status) \(code ?? "")\(message)")
        }
    }
}

/// A lock-guarded count of requests.
private final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
}
