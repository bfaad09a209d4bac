import Foundation

/// A place for files addressed by keys such as `registry/xgboost/v3/model.json`: the
/// artifacts location (a local directory today, S3 later). Keys are `/`-separated relative
/// paths without empty, `.` or `..` components. Implementations are safe to use from any
/// thread.
public protocol BlobStore: Sendable {
    /// The store's root as a URI, e.g. `file:///srv/rung/artifacts`.
    var rootURI: String { get }

    /// Copies the local file at `file` to `key`, replacing any blob there; readers never see
    /// a partly written blob.
    func put(_ file: URL, key: String) throws
    /// Copies local files (relative name → local file) under `prefix` as one unit: where
    /// the back end allows, the whole directory appears at once, replacing an earlier one.
    func putDirectory(_ files: [String: URL], prefix: String) throws
    /// Streams the blob at `key` into the local file `destination` (created atomically,
    /// parent directories included).
    func get(_ key: String, to destination: URL) throws
    /// The blob's own local file when the store is on the local file system, else nil.
    func localFile(for key: String) -> URL?
    /// Whether a blob exists at `key`.
    func exists(_ key: String) throws -> Bool
    /// The keys of every blob whose key starts with `prefix`, sorted.
    func list(prefix: String) throws -> [String]
    /// Removes the blob at `key`, or everything under `key/` when it names a directory;
    /// removing something that does not exist is not an error.
    func delete(_ key: String) throws
    /// The URI of `key`, e.g. `file:///srv/rung/artifacts/registry/xgboost/v3`.
    func uri(for key: String) -> String
}
