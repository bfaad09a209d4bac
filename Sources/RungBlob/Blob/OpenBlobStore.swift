import Foundation
import RungCore

/// Opens the blob store named by `uri`: a plain path (relative to the current directory),
/// `file:///abs/path`, or `s3://bucket/prefix` (an `S3BlobStore` configured from
/// `environment`: `RUNG_S3_ENDPOINT`, `RUNG_S3_ADDRESSING`, `AWS_REGION`, the credential chain).
/// The location is parsed by `Location` (schemes in any case).
public func openBlobStore(uri: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any BlobStore {
    let trimmed = uri.trimmingCharacters(in: .whitespaces)
    let location: Location
    do {
        location = try Location(parsing: trimmed)
    } catch .empty {
        throw RungError.usage("the artifacts location is empty; give a path, file:///abs/path or s3://bucket/prefix")
    } catch .invalidFileURI {
        throw RungError.usage("blob store URI \(trimmed) is not a file:///absolute/path URI")
    }
    switch location {
    case .s3(let s3):
        return try S3BlobStore(uri: s3, environment: environment)
    case .local(let path):
        return FileBlobStore(root: URL(fileURLWithPath: path, isDirectory: true))
    case .other(let scheme, _):
        throw RungError.usage("blob store URI \(trimmed) has the unsupported scheme \(trimmed.prefix(scheme.count)); use a path, file:///abs/path or s3://bucket/prefix")
    }
}
