import Foundation
import RungCore

/// Opens the blob store named by `uri`: a plain path (relative to the current directory),
/// `file:///abs/path`, or `s3://bucket/prefix` (an `S3BlobStore` configured from
/// `environment`: `RUNG_S3_ENDPOINT`, `RUNG_S3_ADDRESSING`, `AWS_REGION`, the credential chain).
public func openBlobStore(uri: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any BlobStore {
    let trimmed = uri.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else {
        throw RungError.usage("the artifacts location is empty; give a path, file:///abs/path or s3://bucket/prefix")
    }
    let lower = trimmed.lowercased()
    if lower.hasPrefix("s3://") {
        return try S3BlobStore(uri: trimmed, environment: environment)
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
