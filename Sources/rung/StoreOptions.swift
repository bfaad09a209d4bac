import ArgumentParser
import Foundation
import RungCore
import RungBlob
import RungStore
import RungArtifacts
import RungCLI

/// `--db` and `--artifacts`: where the store and the artifacts live, shared by every command
/// that reads or writes them. Empty environment variables mean unset (`EnvironmentDefault`).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"),
            help: ArgumentHelp("The store: sqlite:PATH or postgresql://USER@HOST:PORT/DB. Default: env RUNG_DB, else \(StoreURL.defaultURL).",
                               valueName: "url"))
    var db: String?

    @Option(help: ArgumentHelp("The artifacts location (prepared data, trial models, the registry): a path, file:///abs/path or s3://bucket/prefix. Default: env RUNG_ARTIFACTS, else .rung/artifacts.",
                               valueName: "uri"))
    var artifacts: String?

    /// The default artifacts location.
    static let defaultArtifacts = ".rung/artifacts"

    /// The store URL in effect: `--db`, else `RUNG_DB`, else the default.
    var storeURL: String {
        EnvironmentDefault.resolve(db, "RUNG_DB", else: StoreURL.defaultURL)
    }

    /// The artifacts URI in effect: `--artifacts`, else `RUNG_ARTIFACTS`, else the default.
    var artifactsURI: String {
        EnvironmentDefault.resolve(artifacts, "RUNG_ARTIFACTS", else: Self.defaultArtifacts)
    }

    /// The store URL with any password masked, for messages.
    var maskedStoreURL: String { StoreURL.masked(storeURL) }

    /// Whether the store exists. A SQLite store exists when its file does; a server store
    /// is assumed to exist (opening it tells).
    func storeExists() throws -> Bool {
        switch try StoreURL(parsing: storeURL) {
        case .sqlite(let path): return path == ":memory:" || FileManager.default.fileExists(atPath: path)
        case .postgresql: return true
        }
    }

    /// Opens the store read-only (no lock, no migration), or returns nil when it does not
    /// exist yet.
    func openReadOnlyIfExists() throws -> (any Store)? {
        guard try storeExists() else { return nil }
        return try openStore(url: storeURL, readOnly: true)
    }

    /// Opens the store read-only; a store that does not exist is bad input (exit 65)
    /// explained by `missing`, e.g. "sweep 3 does not exist".
    func openReadOnly(missing: String) throws -> any Store {
        guard let store = try openReadOnlyIfExists() else {
            throw RungError.badInput("\(missing): store \(maskedStoreURL) does not exist (nothing has run with it yet)")
        }
        return store
    }

    /// Opens the store for writing (taking the single-writer lock); a store that does not
    /// exist is bad input explained by `missing` and is not created.
    func openWritable(missing: String) throws -> any Store {
        guard try storeExists() else {
            throw RungError.badInput("\(missing): store \(maskedStoreURL) does not exist (nothing has run with it yet)")
        }
        return try openStore(url: storeURL, readOnly: false)
    }

    /// Opens the artifacts blob store.
    func openArtifacts() throws -> any BlobStore {
        try openBlobStore(uri: artifactsURI)
    }

    /// A registry over `store` and the artifacts location; versions in a remote blob store
    /// are downloaded into `~/.cache/rung/registry`.
    func registry(store: any Store) throws -> Registry {
        let cache = FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/rung/registry", isDirectory: true)
        return Registry(store: store, blobs: try openArtifacts(), cacheDirectory: cache)
    }
}
