import Foundation
import RungCore

/// Whole directories in and out of a blob store: prepared splits and trial models travel
/// this way when the artifacts location is not on the local file system (S3).
extension BlobStore {
    /// Downloads every blob under `prefix` (a directory key, or "" for the whole store) into
    /// `directory`, keeping relative names; returns how many files arrived. A prefix with no
    /// blobs is `RungError.badInput` naming its URI.
    @discardableResult
    public func download(prefix: String, into directory: URL) throws -> Int {
        let base = prefix.isEmpty ? "" : (prefix.hasSuffix("/") ? prefix : prefix + "/")
        let keys = try list(prefix: base)
        guard !keys.isEmpty else {
            throw RungError.badInput("\(uri(for: prefix.isEmpty ? "" : prefix)) holds no files")
        }
        for key in keys {
            let relative = String(key.dropFirst(base.count))
            guard !relative.isEmpty else { continue }
            try get(key, to: directory.appendingPathComponent(relative))
        }
        return keys.count
    }

    /// Uploads every regular file under `directory` to `prefix` as one unit (`putDirectory`);
    /// returns how many files went up.
    @discardableResult
    public func upload(directory: URL, prefix: String) throws -> Int {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath()
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw RungError.badInput("cannot read the directory \(directory.path)")
        }
        var files: [String: URL] = [:]
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard path.hasPrefix(base) else { continue }
            files[String(path.dropFirst(base.count))] = url
        }
        guard !files.isEmpty else { throw RungError.badInput("\(directory.path) holds no files to upload") }
        try putDirectory(files, prefix: prefix)
        return files.count
    }
}

/// Splits a blob URI into the store of its parent location and the last component, e.g.
/// `s3://bucket/runs/trials/7` → (store at `s3://bucket/runs/trials`, `7`).
public func openBlobParent(of uri: String) throws -> (store: any BlobStore, key: String) {
    var trimmed = uri
    while trimmed.hasSuffix("/") && trimmed.count > 1 { trimmed.removeLast() }
    guard let slash = trimmed.lastIndex(of: "/"), trimmed.index(after: slash) < trimmed.endIndex else {
        throw RungError.badInput("the location '\(uri)' does not name a file or directory")
    }
    let parent = String(trimmed[..<slash])
    let key = String(trimmed[trimmed.index(after: slash)...])
    return (try openBlobStore(uri: parent.isEmpty ? "/" : parent), key)
}
