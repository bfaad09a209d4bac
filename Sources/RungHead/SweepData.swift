import Foundation
import RungCore
import RungData

/// The prepared splits a sweep trains on: where workers fetch them and their content version.
public struct SweepData: Sendable, Equatable {
    /// A local path or URI workers can read the prepared directory from.
    public var uri: String
    /// The data version (content hash of the split files) recorded with every trial.
    public var version: String

    public init(uri: String, version: String) {
        self.uri = uri
        self.version = version
    }

    /// Resolves the data of `config`: `override` (a `--data` directory) first, then
    /// `data.prepared`, else prepares `data.source` with `data.recipe` (relative to the config
    /// file) into `<artifacts>/data/<recipe>-<source hash>/`, once per source version.
    /// With `data.through_batch`, the future batches it selects are appended to train
    /// (`CumulativeStore`); `override` is used as it is.
    public static func resolve(config: SweepConfig, configDirectory: URL, override: String?,
                               artifactsDirectory: URL, environment: [String: String]) throws -> SweepData {
        if let override { return try open(localURL(override), what: "--data \(override)") }
        let base = try resolveBase(config: config, configDirectory: configDirectory, artifactsDirectory: artifactsDirectory,
                                   environment: environment)
        guard let through = config.data.throughBatch else { return base }
        let store = CumulativeStore(artifactsDirectory: artifactsDirectory)
        let prepared = try PreparedData.open(URL(fileURLWithPath: base.uri))
        let data = try store.data(base: prepared, throughBatch: store.resolve(through, base: prepared))
        return SweepData(uri: data.directory.path, version: data.dataVersion)
    }

    /// The data of `config` before any `data.through_batch` is applied.
    public static func resolveBase(config: SweepConfig, configDirectory: URL, artifactsDirectory: URL,
                                   environment: [String: String]) throws -> SweepData {
        if let prepared = config.data.prepared {
            if prepared.hasPrefix("s3://") {
                throw RungError.usage("\(config.file): data.prepared \(prepared): S3 data is not supported yet; use a local path")
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
            throw RungError.badInput("\(config.file): data needs `source` (with `recipe`) or `prepared`")
        }
        let sourceURL = try DatasetResolver.resolve(source, environment: environment)
        let hash = try ContentHash.sha256(file: sourceURL)
        let recipeName = (config.data.recipe.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }) ?? "data"
        let out = artifactsDirectory.appendingPathComponent("data/\(recipeName)-\(hash.prefix(12))")
        if FileManager.default.fileExists(atPath: out.appendingPathComponent(PreparedData.manifestFileName).path),
           let existing = try? open(out, what: out.path) {
            return existing
        }
        return try prepare(config: config, configDirectory: configDirectory, into: out, environment: environment,
                           resolvedSource: sourceURL)
    }

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

    private static func open(_ url: URL, what: String) throws -> SweepData {
        let prepared = try PreparedData.open(url)
        return SweepData(uri: url.path, version: prepared.dataVersion)
    }

    /// A plain path or `file://` URI as a file URL, relative paths against `base`.
    static func localURL(_ text: String, relativeTo base: URL? = nil) -> URL {
        if text.hasPrefix("file://"), let url = URL(string: text) { return url.standardizedFileURL }
        if text.hasPrefix("/") || base == nil { return URL(fileURLWithPath: text).standardizedFileURL }
        return base!.appendingPathComponent(text).standardizedFileURL
    }
}
