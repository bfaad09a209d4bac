import Foundation
import RungCore
import RungBlob
import RungStore

/// The model registry: every registered version of a family lives under
/// `registry/<family>/v<N>/` in the artifacts blob store (`model.json`,
/// `preprocessor.json`, `metadata.json`), and its stage lives in the store.
///
/// Registration is crash-safe: the files are written to a temporary directory and renamed
/// into place, and only then is the version recorded in the store, which is the commit
/// point. A directory without a store row is the leftover of a crash: it is not a version,
/// and the next registration of that number replaces it.
///
/// Confinement: like its store, a registry is used on one thread.
public final class Registry {
    /// The key prefix of the registry in the artifacts store.
    public static let keyPrefix = "registry"
    /// The files every version holds.
    public static let modelFile = "model.json", preprocessorFile = "preprocessor.json", metadataFile = "metadata.json"

    /// The store holding stages.
    public let store: any Store
    /// The artifacts store holding the versions' files.
    public let blobs: any BlobStore
    /// Where versions of a non-local blob store are downloaded by `resolve`.
    public let cacheDirectory: URL?

    /// Creates a registry over a store and an artifacts blob store.
    public init(store: any Store, blobs: any BlobStore, cacheDirectory: URL? = nil) {
        self.store = store
        self.blobs = blobs
        self.cacheDirectory = cacheDirectory
    }

    /// The blob key of a version's directory, `registry/<family>/v<N>`.
    public static func key(family: String, version: Int) -> String {
        "\(keyPrefix)/\(family)/v\(version)"
    }

    /// Registers the model in `sourceDirectory` (which must hold `model.json` and
    /// `preprocessor.json`) as the family's next version and returns it. Its stage is
    /// `production` when there is no production version yet or when `policy.metric` beats
    /// production's by at least `policy.minImprovement` (production is then archived);
    /// otherwise `staging`.
    public func register(family: String, sourceDirectory: URL, metadata: ModelMetadata,
                         policy: PromotionPolicy = PromotionPolicy()) throws -> ModelVersion {
        try Self.validate(family: family)
        guard !store.isReadOnly else {
            throw RungError.usage("cannot register model \(family): store \(store.location) was opened read-only")
        }
        let staged = try Self.stage(family: family, sourceDirectory: sourceDirectory, metadata: metadata,
                                    number: nextVersionNumber(family: family), policyMetric: policy.metric, blobs: blobs)
        return try record(staged, policy: policy)
    }

    /// The number the family's next version gets.
    public func nextVersionNumber(family: String) throws -> Int {
        (try store.modelVersions(family: family).map(\.version).max() ?? 0) + 1
    }

    /// The slow half of `register`: checks the model files, writes the metadata and copies
    /// the version's files to `registry/<family>/v<number>` in `blobs`. It touches no store,
    /// so the head runs it on its helper thread; `record` then makes it a version.
    public static func stage(family: String, sourceDirectory: URL, metadata: ModelMetadata, number: Int,
                             policyMetric: String, blobs: any BlobStore) throws -> StagedVersion {
        try validate(family: family)
        var files: [String: URL] = [:]
        for name in [modelFile, preprocessorFile] {
            let file = sourceDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw RungError.badInput("cannot register model \(family): \(sourceDirectory.path) has no \(name)")
            }
            files[name] = file
        }
        guard metadata.metrics[policyMetric] != nil else {
            let known = metadata.metrics.keys.sorted().joined(separator: ", ")
            throw RungError.badInput("cannot register model \(family): its metrics have no \(policyMetric) (they have: \(known.isEmpty ? "none" : known))")
        }
        var facts = metadata
        facts.family = family
        facts.version = number
        facts.createdAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("rung-register-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let metadataFile = scratch.appendingPathComponent(metadataFile)
            try facts.jsonData().write(to: metadataFile)
            files[Self.metadataFile] = metadataFile
        } catch let error as RungError {
            throw error
        } catch {
            throw RungError.unavailable("cannot write the metadata of model \(family)@\(number) in \(scratch.path): \(error.localizedDescription)")
        }
        let key = key(family: family, version: number)
        try blobs.putDirectory(files, prefix: key)
        return StagedVersion(metadata: facts, uri: blobs.uri(for: key))
    }

    /// The fast half of `register`: records a staged version in the store (the commit
    /// point), as `production` when it beats production by the policy's margin, else
    /// `staging`.
    public func record(_ staged: StagedVersion, policy: PromotionPolicy) throws -> ModelVersion {
        let facts = staged.metadata
        let family = facts.family
        let number = facts.version
        guard let candidate = facts.metrics[policy.metric] else {
            throw RungError.badInput("cannot register model \(family): its metrics have no \(policy.metric)")
        }
        return try store.transaction {
            let production = try store.productionVersion(family: family)
            let promote = policy.promotes(candidate, over: production?.metrics[policy.metric])
            if promote, var old = production {
                old.stage = .archived
                try store.updateModelVersion(old)
            }
            let created = try store.createModelVersion(ModelVersion(
                family: family, version: number, stage: promote ? .production : .staging,
                sweepID: facts.sweepID, trialID: facts.trialID, uri: staged.uri,
                metrics: facts.metrics, createdAt: facts.createdAt))
            guard created.version == number else {
                throw RungError.internalFailure("model \(family) was numbered \(created.version) by the store but written as v\(number); is another head registering into \(store.location)?")
            }
            return created
        }
    }

    /// Makes `family@version` the production version (the previous one is archived) and
    /// returns it.
    @discardableResult
    public func promote(family: String, version: Int) throws -> ModelVersion {
        try store.transaction {
            guard var target = try store.modelVersion(family: family, version: version) else {
                throw RungError.badInput("model \(family)@\(version) is not registered")
            }
            if target.stage == .production { return target }
            if var old = try store.productionVersion(family: family) {
                old.stage = .archived
                try store.updateModelVersion(old)
            }
            target.stage = .production
            try store.updateModelVersion(target)
            return target
        }
    }

    /// The versions of a family (or of all families), ordered by family then version.
    public func versions(family: String? = nil) throws -> [ModelVersion] {
        try store.modelVersions(family: family)
    }

    /// The version a reference names, or a `RungError.badInput` saying why there is none.
    public func version(_ reference: ModelReference) throws -> ModelVersion {
        let all = try store.modelVersions(family: reference.family)
        guard !all.isEmpty else {
            throw RungError.badInput("model \(reference.family) has no registered versions")
        }
        let found: ModelVersion?
        switch reference.selector {
        case .preferred: found = all.last { $0.stage == .production } ?? all.last
        case .latest: found = all.last
        case .production: found = all.last { $0.stage == .production }
        case .staging: found = all.last { $0.stage == .staging }
        case .version(let n): found = all.first { $0.version == n }
        }
        guard let found else {
            let known = all.map { "v\($0.version) (\($0.stage.rawValue))" }.joined(separator: ", ")
            throw RungError.badInput("model \(reference) does not exist; \(reference.family) has \(known)")
        }
        return found
    }

    /// The local directory of the version `reference` names (`xgboost`, `xgboost@production`,
    /// `xgboost@3`, …), downloading it into `cacheDirectory` for a non-local blob store.
    public func resolve(_ reference: String) throws -> URL {
        try directory(of: version(ModelReference(parsing: reference)))
    }

    /// The local directory holding a version's files.
    public func directory(of version: ModelVersion) throws -> URL {
        let key = Self.key(family: version.family, version: version.version)
        if let local = blobs.localFile(for: key) {
            guard FileManager.default.fileExists(atPath: local.appendingPathComponent(Self.metadataFile).path) else {
                throw RungError.unavailable("model \(version.family)@\(version.version) is registered but \(local.path) has no \(Self.metadataFile)")
            }
            return local
        }
        guard let cacheDirectory else {
            throw RungError.usage("model \(version.family)@\(version.version) is in \(blobs.rootURI); give the registry a cache directory to download it into")
        }
        let target = cacheDirectory.appendingPathComponent(key, isDirectory: true)
        let keys = try blobs.list(prefix: key + "/")
        guard keys.contains(key + "/" + Self.metadataFile) else {
            throw RungError.unavailable("model \(version.family)@\(version.version) is registered but \(blobs.uri(for: key)) has no \(Self.metadataFile)")
        }
        for blobKey in keys {
            let relative = String(blobKey.dropFirst(key.count + 1))
            let destination = target.appendingPathComponent(relative)
            if !FileManager.default.fileExists(atPath: destination.path) {
                try blobs.get(blobKey, to: destination)
            }
        }
        return target
    }

    /// The `metadata.json` of a version.
    public func metadata(of version: ModelVersion) throws -> ModelMetadata {
        let file = try directory(of: version).appendingPathComponent(Self.metadataFile)
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw RungError.unavailable("cannot read \(file.path): \(error.localizedDescription)")
        }
        return try ModelMetadata.decode(data, source: file.path)
    }

    /// Throws `RungError.usage` unless `family` is a plain name usable as a directory.
    static func validate(family: String) throws {
        let allowed = family.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "."
        }
        guard !family.isEmpty, allowed, !family.hasPrefix(".") else {
            throw RungError.usage("model family \"\(family)\" must be letters, digits, _, - or . and not start with a dot")
        }
    }
}
