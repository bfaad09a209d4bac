import Foundation
import RungCore

/// Fetches role credentials from the EC2 instance metadata service with IMDSv2: a session
/// token from `PUT /latest/api/token` (header `X-aws-ec2-metadata-token-ttl-seconds`), then
/// the role name from `GET /latest/meta-data/iam/security-credentials/` and the role's
/// credentials from `GET …/security-credentials/ROLE`, both with `X-aws-ec2-metadata-token`.
public struct S3InstanceMetadataClient: Sendable {
    /// The service's base URL, `http://169.254.169.254` unless overridden.
    public let endpoint: String
    /// Seconds allowed for each request (the service is local to the host: short).
    public let timeout: Double
    /// The lifetime asked for the session token, in seconds.
    public let tokenTTL: Int
    private let transfer = CurlTransfer()

    /// The default endpoint of the instance metadata service.
    public static let defaultEndpoint = "http://169.254.169.254"

    /// Creates a client for `endpoint` (`AWS_EC2_METADATA_SERVICE_ENDPOINT`).
    public init(endpoint: String = S3InstanceMetadataClient.defaultEndpoint, timeout: Double = 1, tokenTTL: Int = 21600) {
        var trimmed = endpoint
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.endpoint = trimmed
        self.timeout = timeout
        self.tokenTTL = tokenTTL
    }

    /// The role's current credentials. Failures are `RungError.unavailable` naming the
    /// endpoint and the step.
    public func fetch() throws -> S3Credentials {
        let tokenResponse = try send(HTTPRequest(method: "PUT", url: endpoint + "/latest/api/token",
                                                 headers: [("X-aws-ec2-metadata-token-ttl-seconds", String(tokenTTL))]),
                                     step: "a session token")
        let token = String(decoding: tokenResponse.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let base = endpoint + "/latest/meta-data/iam/security-credentials/"
        let roles = try send(HTTPRequest(method: "GET", url: base, headers: [("X-aws-ec2-metadata-token", token)]),
                             step: "the instance's IAM role")
        guard let role = String(decoding: roles.body, as: UTF8.self)
            .split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }), !role.isEmpty else {
            throw RungError.unavailable("the instance metadata service at \(endpoint) lists no IAM role for this instance")
        }
        let document = try send(HTTPRequest(method: "GET", url: base + SigV4Signer.encode(role, keepSlash: false),
                                            headers: [("X-aws-ec2-metadata-token", token)]),
                                step: "the credentials of role \(role)")
        struct RoleCredentials: Decodable {
            var Code: String?
            var AccessKeyId: String?
            var SecretAccessKey: String?
            var Token: String?
            var Expiration: String?
        }
        guard let parsed = try? JSONDecoder().decode(RoleCredentials.self, from: document.body) else {
            throw RungError.unavailable("the instance metadata service at \(endpoint) sent credentials for role \(role) that are not JSON")
        }
        if let code = parsed.Code, code != "Success" {
            throw RungError.unavailable("the instance metadata service at \(endpoint) reports \(code) for role \(role)")
        }
        guard let key = parsed.AccessKeyId, let secret = parsed.SecretAccessKey else {
            throw RungError.unavailable("the instance metadata service at \(endpoint) sent credentials for role \(role) without AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = parsed.Expiration {
            expiration = ISO8601DateFormatter().date(from: text)
            if expiration == nil {
                throw RungError.unavailable("the instance metadata service at \(endpoint) sent the unreadable Expiration \(text) for role \(role)")
            }
        }
        return S3Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: parsed.Token,
                             expiration: expiration, source: "the instance metadata service at \(endpoint) (role \(role))")
    }

    private func send(_ request: HTTPRequest, step: String) throws -> HTTPResponse {
        var request = request
        request.connectTimeout = timeout
        request.totalTimeout = timeout * 2
        let response: HTTPResponse
        do {
            response = try transfer.perform(request)
        } catch HTTPTransferFailure.network(let detail), HTTPTransferFailure.unreachable(let detail) {
            throw RungError.unavailable("cannot reach the instance metadata service at \(endpoint) for \(step): \(detail)")
        } catch HTTPTransferFailure.local(let detail) {
            throw RungError.unavailable("cannot ask the instance metadata service at \(endpoint) for \(step): \(detail)")
        }
        guard response.status == 200 else {
            throw RungError.unavailable("the instance metadata service at \(endpoint) answered HTTP \(response.status) when asked for \(step)")
        }
        return response
    }
}
