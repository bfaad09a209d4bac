import Foundation
import RungCore
import RungBlob
import RungData
import RungWorker

/// Local paths given on the command line: a plain path or a `file://` URI.
enum LocalPath {
    /// A prepared-splits directory on this machine: a local path as it is, an `s3://`
    /// location fetched (checked against its manifest) into `~/.cache/rung/data/<version>/`.
    static func preparedDirectory(_ text: String, what: String) throws -> URL {
        guard Location.isS3(text) else { return try url(text, what: what) }
        let store = try openBlobStore(uri: text)
        let cacheRoot = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/rung/data", isDirectory: true)
        let manifestCopy = cacheRoot.appendingPathComponent("manifest-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: manifestCopy) }
        guard try store.exists(PreparedData.manifestFileName) else {
            throw RungError.badInput("\(what) \(text) holds no prepared splits: \(store.uri(for: PreparedData.manifestFileName)) does not exist")
        }
        try store.get(PreparedData.manifestFileName, to: manifestCopy)
        let version = try DataManifest.load(from: manifestCopy).dataVersion
        return try DataCache(root: cacheRoot).localDirectory(uri: text, dataVersion: version)
    }

    /// A local path or `file://` URI as a file URL; an S3 location is a usage error.
    static func url(_ text: String, what: String) throws -> URL {
        switch try? Location(parsing: text) {
        case .s3?:
            throw RungError.usage("\(what) \(text): S3 locations are not supported by this command yet; use a local path")
        case .local(let path)?:
            return URL(fileURLWithPath: path).standardizedFileURL
        case nil where Location.scheme(ofText: text) == "file":
            throw RungError.usage("\(what) \(text) is not a valid file:// URI")
        case .other?, nil:
            return URL(fileURLWithPath: text).standardizedFileURL
        }
    }
}
