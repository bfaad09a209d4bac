import Foundation
import RungCore

/// A parsed store location: `sqlite:PATH` (also `sqlite:///abs/path`) or a libpq URI
/// `postgresql://user:password@host:5432/db` (`postgres://` is accepted too).
public enum StoreURL: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file at this path (relative paths are relative to the current directory).
    case sqlite(path: String)
    /// A PostgreSQL connection URI, exactly as given.
    case postgresql(uri: String)

    /// The default store, `sqlite:.rung/rung.db`.
    public static let defaultURL = "sqlite:.rung/rung.db"

    /// Parses a store URL, throwing `RungError.usage` naming the bad value.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") {
            self = .postgresql(uri: trimmed)
            return
        }
        if lower.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") {
                path = String(path.dropFirst(2))
                guard path.hasPrefix("/") else {
                    throw RungError.usage("store URL \(trimmed) names a host; use sqlite:PATH or sqlite:///absolute/path")
                }
            }
            guard !path.isEmpty else {
                throw RungError.usage("store URL \(trimmed) has no path; use sqlite:PATH, e.g. \(Self.defaultURL)")
            }
            self = .sqlite(path: path)
            return
        }
        throw RungError.usage("store URL \(Self.masked(trimmed)) is neither sqlite:PATH nor postgresql://USER@HOST:PORT/DB")
    }

    /// The URL as text with any password replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:" + path
        case .postgresql(let uri): return Self.masked(uri)
        }
    }

    /// Replaces the password in `user:password@` and in a `password=` parameter with `***`.
    public static func masked(_ url: String) -> String {
        var result = url
        if let scheme = result.range(of: "://") {
            let authorityEnd = result[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? result.endIndex
            if let at = result[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
               let colon = result[scheme.upperBound..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        var searchStart = result.startIndex
        while let key = result.range(of: "password=", options: .caseInsensitive, range: searchStart..<result.endIndex) {
            let valueEnd = result[key.upperBound...].firstIndex { $0 == "&" || $0 == " " } ?? result.endIndex
            result.replaceSubrange(key.upperBound..<valueEnd, with: "***")
            searchStart = result.index(key.upperBound, offsetBy: 3)
        }
        return result
    }
}
