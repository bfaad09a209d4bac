import Foundation

/// AWS credentials for signing requests: an access key, its secret, the session token of
/// temporary credentials, when they expire, and where they came from (for error messages).
public struct S3Credentials: Sendable, Equatable {
    /// The access key id, e.g. `AKIAIOSFODNN7EXAMPLE`.
    public var accessKeyID: String
    /// The secret access key (never printed).
    public var secretAccessKey: String
    /// The session token of temporary credentials, sent as `x-amz-security-token`.
    public var sessionToken: String?
    /// When temporary credentials expire; nil for long-term keys.
    public var expiration: Date?
    /// Where they came from, e.g. `the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)`.
    public var source: String

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil,
                expiration: Date? = nil, source: String = "explicit credentials") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }
}

/// Something that supplies current credentials; called before every request, so it must be
/// cheap when nothing changed and safe to call from any thread.
public protocol S3CredentialProvider: Sendable {
    /// The credentials to sign the next request with.
    func credentials() throws -> S3Credentials
}

/// A provider that always returns the same credentials.
public struct S3StaticCredentialProvider: S3CredentialProvider {
    /// The credentials returned.
    public let fixed: S3Credentials

    /// Creates a provider returning `credentials`.
    public init(_ credentials: S3Credentials) { fixed = credentials }

    public func credentials() throws -> S3Credentials { fixed }
}
