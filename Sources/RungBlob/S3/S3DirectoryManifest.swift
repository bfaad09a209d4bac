import Foundation
import RungCore

/// The manifest `S3BlobStore.putDirectory` writes last, as `PREFIX/.rung-directory.json`:
/// the directory's files with their sizes and SHA-256. While a directory is being written
/// it has no manifest, so a reader that needs all of it checks for the manifest first.
public struct S3DirectoryManifest: Codable, Sendable, Equatable {
    /// One file of the directory.
    public struct Entry: Codable, Sendable, Equatable {
        /// Its size in bytes.
        public var size: Int64
        /// Its SHA-256 (lower-case hex).
        public var sha256: String
    }

    /// The object name of the manifest inside its directory (never listed).
    public static let fileName = ".rung-directory.json"

    /// Relative name → entry.
    public var files: [String: Entry]

    /// The manifest as JSON with sorted keys.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// Parses a manifest downloaded from `uri`.
    static func decode(_ data: Data, uri: String) throws -> S3DirectoryManifest {
        do {
            return try JSONDecoder().decode(S3DirectoryManifest.self, from: data)
        } catch {
            throw RungError.badInput("the directory manifest \(uri) is not valid JSON: \(error.localizedDescription)")
        }
    }
}
