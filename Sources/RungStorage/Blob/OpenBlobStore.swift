import Foundation
import RungCore

/// Opens the blob store named by `uri`: a plain path (relative to the current directory),
/// `file:///abs/path`, or `s3://bucket/prefix` (not built yet).
public func openBlobStore(uri: String) throws -> any BlobStore {
    let trimmed = uri.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else {
        throw RungError.usage("the artifacts location is empty; give a path, file:///abs/path or s3://bucket/prefix")
    }
    let lower = trimmed.lowercased()
    if lower.hasPrefix("s3://") {
        throw RungError.usage("S3 is not built yet (blob store \(trimmed)); use a local path or file:///abs/path")
    }
    if lower.hasPrefix("file:") {
        guard let url = URL(string: trimmed), url.isFileURL, (url.host ?? "").isEmpty || url.host == "localhost",
              url.path.hasPrefix("/") else {
            throw RungError.usage("blob store URI \(trimmed) is not a file:///absolute/path URI")
        }
        return FileBlobStore(root: URL(fileURLWithPath: url.path, isDirectory: true))
    }
    if let schemeEnd = trimmed.range(of: "://") {
        let scheme = trimmed[..<schemeEnd.lowerBound]
        throw RungError.usage("blob store URI \(trimmed) has the unsupported scheme \(scheme); use a path, file:///abs/path or s3://bucket/prefix")
    }
    return FileBlobStore(root: URL(fileURLWithPath: trimmed, isDirectory: true))
}
