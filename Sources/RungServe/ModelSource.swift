import Foundation
import RungCore
import RungStore
import RungBlob
import RungArtifacts

/// Where the served model comes from: a registry reference (`xgboost@production`) in a
/// store and an artifacts location. Each look-up opens the store read-only and closes it,
/// so the server never holds the store's writer lock.
public struct ModelSource: Sendable {
    /// The reference, e.g. `xgboost@production`.
    public var reference: ModelReference
    /// The store URL (`sqlite:PATH` or `postgresql://…`).
    public var storeURL: String
    /// The artifacts location (a path, `file://` or `s3://`).
    public var artifactsURI: String
    /// Where versions in a remote artifacts store are downloaded.
    public var cacheDirectory: URL

    /// Creates a source.
    public init(reference: ModelReference, storeURL: String, artifactsURI: String, cacheDirectory: URL) {
        self.reference = reference
        self.storeURL = storeURL
        self.artifactsURI = artifactsURI
        self.cacheDirectory = cacheDirectory
    }

    /// The version the reference names now.
    public func currentVersion() throws -> ModelVersion {
        let store = try openStore(url: storeURL, readOnly: true)
        defer { store.close() }
        return try Registry(store: store, blobs: openBlobStore(uri: artifactsURI), cacheDirectory: cacheDirectory).version(reference)
    }

    /// Loads `version` (downloading it first from a remote artifacts store).
    public func load(_ version: ModelVersion) throws -> ServedModel {
        let store = try openStore(url: storeURL, readOnly: true)
        let directory: URL
        do {
            defer { store.close() }
            directory = try Registry(store: store, blobs: openBlobStore(uri: artifactsURI), cacheDirectory: cacheDirectory).directory(of: version)
        }
        return try ServedModel(version: version, directory: directory)
    }
}
