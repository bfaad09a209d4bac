import CPostgres
import Foundation
import RungCore

/// What a `postgresql://` URL names, as far as messages need it: the server address, the
/// database and user, and the password (kept only to scrub it from every message).
struct PostgresTarget: Sendable {
    /// The URI exactly as given (it is passed to libpq and never printed).
    let uri: String
    /// The URI with any password shown as `***`.
    let masked: String
    /// `host:port` of the server (the first one if the URI lists several).
    let address: String
    /// The database name.
    let database: String
    private let secrets: [String]

    /// Parses `uri` with libpq, throwing `RungError.usage` (password-free) if it is malformed.
    init(uri: String) throws {
        self.uri = uri
        masked = StoreURL.masked(uri)
        var secrets = Self.userInfoPasswords(in: uri)
        var errorText: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(uri, &errorText) else {
            let detail = errorText.map { String(cString: $0) } ?? "libpq could not parse it"
            if let errorText { PQfreemem(errorText) }
            let scrubbed = Self.scrub(detail.trimmingCharacters(in: .whitespacesAndNewlines), secrets: secrets)
            throw RungError.usage("store URL \(StoreURL.masked(uri)) is not a valid PostgreSQL URI: \(scrubbed)")
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            cursor += 1
        }
        if let password = values["password"], !password.isEmpty { secrets.append(password) }
        self.secrets = secrets.sorted { $0.count > $1.count }
        let host = (values["host"] ?? values["hostaddr"] ?? "localhost").split(separator: ",").first.map(String.init) ?? "localhost"
        let port = (values["port"] ?? "5432").split(separator: ",").first.map(String.init) ?? "5432"
        address = host.hasPrefix("/") ? "\(host) (port \(port))" : "\(host):\(port)"
        database = values["dbname"] ?? values["user"] ?? "postgres"
    }

    /// `text` with every occurrence of the password and any URL password replaced by `***`.
    func scrub(_ text: String) -> String { Self.scrub(text, secrets: secrets) }

    private static func scrub(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return StoreURL.masked(result)
    }

    /// The password of `user:password@` in the URI, raw and percent-decoded.
    private static func userInfoPasswords(in uri: String) -> [String] {
        guard let scheme = uri.range(of: "://") else { return [] }
        let rest = uri[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return [] }
        let raw = String(authority[authority.index(after: colon)..<at])
        return [raw, raw.removingPercentEncoding].compactMap { $0 }.filter { !$0.isEmpty }
    }
}
