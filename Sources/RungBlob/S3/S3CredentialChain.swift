import Foundation
import RungCore

/// The credential chain of docs/storage.md, tried in order: the environment
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the shared
/// credentials file (`AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`, profile
/// `AWS_PROFILE` or `default`), then the EC2 instance metadata service with IMDSv2
/// (`AWS_EC2_METADATA_SERVICE_ENDPOINT` overrides the address, `AWS_EC2_METADATA_DISABLED=true`
/// skips it). Credentials are cached and fetched again five minutes before they expire.
/// The cache is guarded by a lock, which makes the `@unchecked Sendable` sound.
public final class S3CredentialChain: S3CredentialProvider, @unchecked Sendable {
    /// The environment the chain reads (a snapshot taken at creation).
    public let environment: [String: String]
    /// The home directory used for `~/.aws/credentials`.
    public let homeDirectory: String
    /// How long before expiry cached temporary credentials are replaced.
    public let refreshMargin: TimeInterval

    private let lock = NSLock()
    private var cached: S3Credentials?

    /// Creates a chain over `environment` (default: the process's).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                homeDirectory: String? = nil, refreshMargin: TimeInterval = 300) {
        self.environment = environment
        self.homeDirectory = homeDirectory ?? environment["HOME"] ?? NSHomeDirectory()
        self.refreshMargin = refreshMargin
    }

    /// The process's one chain for `environment`: every S3 store opened with the same
    /// credential settings shares it, so a worker that opens a store per trial asks the
    /// instance metadata service once per expiry, not once per trial.
    public static func shared(environment: [String: String]) -> S3CredentialChain {
        let names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SHARED_CREDENTIALS_FILE",
                     "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "HOME", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED"]
        let key = names.map { "\($0)=\(environment[$0] ?? "\u{0}")" }.joined(separator: "\n")
        return sharedChains.chain(for: key) { S3CredentialChain(environment: environment) }
    }

    private static let sharedChains = SharedChains()

    /// The chains `shared(environment:)` hands out, by credential settings; guarded by a lock.
    private final class SharedChains: @unchecked Sendable {
        private let lock = NSLock()
        private var chains: [String: S3CredentialChain] = [:]

        func chain(for key: String, make: () -> S3CredentialChain) -> S3CredentialChain {
            lock.lock()
            defer { lock.unlock() }
            if let existing = chains[key] { return existing }
            let made = make()
            chains[key] = made
            return made
        }
    }

    public func credentials() throws -> S3Credentials {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if let cached, cached.expiration.map({ now < $0.addingTimeInterval(-refreshMargin) }) ?? true {
            return cached
        }
        do {
            let fresh = try resolve()
            cached = fresh
            return fresh
        } catch {
            // A failed refresh keeps serving credentials that have not expired yet.
            if let cached, let expiration = cached.expiration, now < expiration { return cached }
            throw error
        }
    }

    /// The path of the shared credentials file the chain reads.
    public var sharedCredentialsPath: String {
        if let path = value("AWS_SHARED_CREDENTIALS_FILE") {
            return path.hasPrefix("~/") ? homeDirectory + path.dropFirst() : path
        }
        return homeDirectory + "/.aws/credentials"
    }

    /// Walks the chain once, without the cache.
    func resolve() throws -> S3Credentials {
        var looked: [String] = []
        // 1. The environment.
        let key = value("AWS_ACCESS_KEY_ID"), secret = value("AWS_SECRET_ACCESS_KEY")
        switch (key, secret) {
        case let (key?, secret?):
            return S3Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"),
                                 source: "the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
        case (.some, nil):
            throw RungError.usage("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither")
        case (nil, .some):
            throw RungError.usage("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or neither")
        case (nil, nil):
            looked.append("the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY unset)")
        }
        // 2. The shared credentials file.
        let profile = value("AWS_PROFILE") ?? value("AWS_DEFAULT_PROFILE") ?? "default"
        let path = sharedCredentialsPath
        if let file = try S3SharedCredentialsFile(path: path) {
            if let credentials = try file.credentials(profile: profile) { return credentials }
            if value("AWS_PROFILE") != nil {
                throw RungError.usage("AWS_PROFILE names the profile \(profile), which \(path) does not have (it has: \(file.profiles.keys.sorted().joined(separator: ", ")))")
            }
            looked.append("\(path) (no profile \(profile))")
        } else {
            looked.append("\(path) (no such file)")
        }
        // 3. The instance metadata service.
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" {
            looked.append("the instance metadata service (disabled by AWS_EC2_METADATA_DISABLED)")
        } else {
            let client = S3InstanceMetadataClient(endpoint: value("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? S3InstanceMetadataClient.defaultEndpoint)
            do {
                return try client.fetch()
            } catch let error as RungError {
                looked.append(error.message)
            }
        }
        throw RungError.usage("no AWS credentials found; looked in " + looked.joined(separator: "; ")
            + ". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, add a profile to the credentials file, or run on EC2 with an instance role")
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
