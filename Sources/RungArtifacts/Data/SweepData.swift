import Foundation
import RungCore
import RungData
import RungBlob

/// The prepared splits a sweep trains on: where workers fetch them and their content version.
public struct SweepData: Sendable, Equatable {
    /// A local path or URI (`file://`, `s3://`) workers can read the prepared directory from.
    public var uri: String
    /// The data version (content hash of the split files) recorded with every trial.
    public var version: String

    public init(uri: String, version: String) {
        self.uri = uri
        self.version = version
    }

    /// The data of a sweep that has none: every family is a `command` family and the config
    /// has no `data` section. Workers give such programs an empty `RUNG_DATA_DIR`.
    public static let none = SweepData(uri: "", version: "none")

    /// Whether `config` runs without data: no `data.source` or `data.prepared`, and every
    /// family is a `command` family (which may read its own data).
    public static func needsNoData(_ config: SweepConfig) -> Bool {
        config.data.source == nil && config.data.prepared == nil && config.data.throughBatch == nil
            && config.families.allSatisfy { if case .command = $0.kind { return true } else { return false } }
    }

    /// Resolves the data of `config`: `override` (a `--data` location) first, then
    /// `data.prepared`, else prepares `data.source` with `data.recipe` (relative to the config
    /// file) into `<artifacts>/data/<recipe>-<source hash>/`, once per source version.
    ///
    /// Locations may be local or remote (`s3://…`). Remote splits are prepared in `scratch`
    /// (a local directory) and uploaded; an existing remote directory is recognised by its
    /// manifest, which is the only file read back. With `data.through_batch`, the future
    /// batches it selects are appended to train: the state and the derived data live in
    /// `artifacts` (`CumulativeStore`, local or remote). `override` is used as it is.
    /// `environment` locates datasets and configures the remote stores opened here.
    public static func resolve(config: SweepConfig, configDirectory: URL, override: String?,
                               artifacts: any BlobStore, scratch: URL,
                               environment: [String: String]) throws -> SweepData {
        if let override {
            if isRemote(override) {
                return try openRemote(override, what: "--data \(override)", scratch: scratch, environment: environment)
            }
            return try open(localURL(override), what: "--data \(override)")
        }
        if needsNoData(config) { return .none }
        let base = try resolveBase(config: config, configDirectory: configDirectory, artifacts: artifacts,
                                   scratch: scratch, environment: environment)
        guard let through = config.data.throughBatch else { return base }
        let store = CumulativeStore(artifacts: artifacts, scratch: scratch, environment: environment)
        let cumulativeBase = try store.base(base)
        return try store.data(base: cumulativeBase, throughBatch: store.resolve(through, base: cumulativeBase)).data
    }

    /// The data of `config` before any `data.through_batch` is applied.
    public static func resolveBase(config: SweepConfig, configDirectory: URL, artifacts: any BlobStore, scratch: URL,
                                   environment: [String: String]) throws -> SweepData {
        if let prepared = config.data.prepared {
            if isRemote(prepared) {
                let store = try openBlobStore(uri: prepared, environment: environment)
                if try store.exists(PreparedData.manifestFileName) {
                    return try openRemote(prepared, what: "data.prepared \(prepared)", scratch: scratch, environment: environment)
                }
                guard config.data.source != nil else {
                    throw RungError.badInput("\(config.file): data.prepared \(prepared) holds no prepared splits and data.source is not set")
                }
                let (parent, key) = try openBlobParent(of: store.rootURI)
                return try prepareRemote(config: config, configDirectory: configDirectory, into: parent, key: key,
                                         scratch: scratch, environment: environment)
            }
            let url = localURL(prepared, relativeTo: configDirectory)
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(PreparedData.manifestFileName).path) {
                return try open(url, what: "data.prepared \(prepared)")
            }
            guard config.data.source != nil else {
                throw RungError.badInput("\(config.file): data.prepared \(prepared) holds no prepared splits and data.source is not set")
            }
            return try prepare(config: config, configDirectory: configDirectory, into: url, environment: environment)
        }
        guard let source = config.data.source else {
            throw RungError.badInput("\(config.file): data needs `source` (with `recipe`) or `prepared` (only a sweep whose families are all `command` may leave `data` out)")
        }
        let sourceURL = try DatasetResolver.resolve(source, environment: environment)
        let hash = try ContentHash.sha256(file: sourceURL)
        let recipeName = (config.data.recipe.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }) ?? "data"
        let key = "data/\(recipeName)-\(hash.prefix(12))"
        if let out = artifacts.localFile(for: key) {
            if FileManager.default.fileExists(atPath: out.appendingPathComponent(PreparedData.manifestFileName).path),
               let existing = try? open(out, what: out.path) {
                return existing
            }
            return try prepare(config: config, configDirectory: configDirectory, into: out, environment: environment,
                               resolvedSource: sourceURL)
        }
        let uri = artifacts.uri(for: key)
        if try artifacts.exists(key + "/" + PreparedData.manifestFileName),
           let existing = try? openRemote(uri, what: uri, scratch: scratch, environment: environment) {
            return existing
        }
        return try prepareRemote(config: config, configDirectory: configDirectory, into: artifacts, key: key,
                                 scratch: scratch, environment: environment, resolvedSource: sourceURL)
    }

    /// The data mistakes found without reading or downloading anything: no data settings, a
    /// local source that does not exist, a recipe file that does not exist. The head checks
    /// them when it takes a submission, so `rung sweep submit` fails at once for them; the
    /// rest is found while the data is prepared off the head's loop (`resolve`).
    public static func precheck(config: SweepConfig, configDirectory: URL, override: String?,
                                environment: [String: String]) throws {
        guard override == nil, config.data.prepared == nil, !needsNoData(config) else { return }
        guard let source = config.data.source else {
            throw RungError.badInput("\(config.file): data needs `source` (with `recipe`) or `prepared` (only a sweep whose families are all `command` may leave `data` out)")
        }
        guard let recipe = config.data.recipe else {
            throw RungError.badInput("\(config.file): data.recipe is needed to prepare data.source")
        }
        let recipeURL = localURL(recipe, relativeTo: configDirectory)
        guard FileManager.default.fileExists(atPath: recipeURL.path) else {
            throw RungError.badInput("\(config.file): data.recipe \(recipe) does not exist (looked for \(recipeURL.path))")
        }
        // Known dataset ids and URLs may need a download: that waits for the preparation.
        let remote = KnownDataset.builtin.contains { $0.id == source } || source.lowercased().hasPrefix("http://")
            || source.lowercased().hasPrefix("https://") || Location.isS3(source)
        if !remote { _ = try DatasetResolver.resolve(source, environment: environment) }
    }

    /// Whether `location` names a remote blob store rather than a local directory.
    public static func isRemote(_ location: String) -> Bool { Location.isS3(location) }

    private static func prepare(config: SweepConfig, configDirectory: URL, into out: URL,
                                environment: [String: String], resolvedSource: URL? = nil) throws -> SweepData {
        guard let recipePath = config.data.recipe else {
            throw RungError.badInput("\(config.file): data.recipe is needed to prepare data.source")
        }
        let source = try resolvedSource ?? DatasetResolver.resolve(config.data.source ?? "", environment: environment)
        let recipe = try DatasetRecipe.load(from: localURL(recipePath, relativeTo: configDirectory))
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        let manifest = try DatasetPreparer.prepare(source: source, recipe: recipe, out: out)
        return SweepData(uri: out.path, version: manifest.dataVersion)
    }

    /// Prepares the config's source in a scratch directory and uploads it as the directory
    /// `key` of `store`.
    private static func prepareRemote(config: SweepConfig, configDirectory: URL, into store: any BlobStore, key: String,
                                      scratch: URL, environment: [String: String],
                                      resolvedSource: URL? = nil) throws -> SweepData {
        let local = scratch.appendingPathComponent("prepare-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: local) }
        let prepared = try prepare(config: config, configDirectory: configDirectory, into: local,
                                   environment: environment, resolvedSource: resolvedSource)
        try store.upload(directory: local, prefix: key)
        return SweepData(uri: store.uri(for: key), version: prepared.version)
    }

    /// Reads the data version of a remote prepared directory from its manifest.
    private static func openRemote(_ uri: String, what: String, scratch: URL,
                                   environment: [String: String]) throws -> SweepData {
        let store = try openBlobStore(uri: uri, environment: environment)
        let local = scratch.appendingPathComponent("manifest-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: local) }
        guard try store.exists(PreparedData.manifestFileName) else {
            throw RungError.badInput("\(what) is not a prepared-data location: \(store.uri(for: PreparedData.manifestFileName)) does not exist")
        }
        try store.get(PreparedData.manifestFileName, to: local)
        let manifest = try DataManifest.load(from: local)
        return SweepData(uri: store.rootURI, version: manifest.dataVersion)
    }

    private static func open(_ url: URL, what: String) throws -> SweepData {
        let prepared = try PreparedData.open(url)
        return SweepData(uri: url.path, version: prepared.dataVersion)
    }

    /// A plain path or `file://` URI as a file URL, relative paths against `base`.
    public static func localURL(_ text: String, relativeTo base: URL? = nil) -> URL {
        let path = (try? Location(parsing: text))?.localPath ?? text
        if path.hasPrefix("/") || base == nil { return URL(fileURLWithPath: path).standardizedFileURL }
        return base!.appendingPathComponent(path).standardizedFileURL
    }
}
