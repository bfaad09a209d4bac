import Foundation
import RungCore

/// The AWS shared credentials file (`~/.aws/credentials`): INI sections named after
/// profiles, with `aws_access_key_id`, `aws_secret_access_key` and `aws_session_token`.
public struct S3SharedCredentialsFile: Sendable {
    /// The file's path.
    public let path: String
    /// Profile name → key → value (keys lower-cased).
    public let profiles: [String: [String: String]]

    /// Parses the file at `path`; nil when it does not exist.
    public init?(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RungError.unavailable("cannot read the AWS credentials file \(path)")
        }
        self.path = path
        self.profiles = try Self.parse(text, path: path)
    }

    /// Parses INI text: `[name]` headers (also `[profile name]`), `key = value` lines, `#`
    /// and `;` comments.
    static func parse(_ text: String, path: String) throws -> [String: [String: String]] {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw RungError.badInput("\(path):\(index + 1): a profile header must look like [name], not \(line)")
                }
                var name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
                current = name
                profiles[name, default: [:]] = profiles[name] ?? [:]
                continue
            }
            guard let equals = line.firstIndex(of: "="), let profile = current else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            profiles[profile, default: [:]][key] = value
        }
        return profiles
    }

    /// The credentials of `profile`, nil if the file has no such profile; a profile with
    /// only one of the two keys is an error naming the file and profile.
    public func credentials(profile: String) throws -> S3Credentials? {
        guard let values = profiles[profile] else { return nil }
        let key = values["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = values["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
        switch (key, secret) {
        case let (key?, secret?):
            let token = values["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
            return S3Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token,
                                 source: "profile \(profile) of \(path)")
        case (nil, nil):
            return nil
        case (nil, _):
            throw RungError.usage("profile \(profile) of \(path) has aws_secret_access_key but no aws_access_key_id")
        case (_, nil):
            throw RungError.usage("profile \(profile) of \(path) has aws_access_key_id but no aws_secret_access_key")
        }
    }
}
