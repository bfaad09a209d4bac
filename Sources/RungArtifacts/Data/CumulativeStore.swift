import Foundation
import RungCore
import RungData
import RungBlob

/// Cumulative data (`CumulativeData`) and its nightly state in the artifacts blob store,
/// local or remote (S3): `data/cumulative/<base data version>/through-<k>/` holds the data
/// through future batch k (derived once), and `data/cumulative/<base data version>/latest.json`
/// records how many batches `rung data advance` has added so far (`data.through_batch: latest`
/// reads it).
///
/// With local artifacts the data is derived in place. With a remote store the base's files
/// are fetched into `scratch`, the data is derived there and uploaded as one directory
/// (`upload(directory:prefix:)`); the bytes, and so the data version, are the same either way.
/// The base data itself may be local or remote in both cases.
public struct CumulativeStore: Sendable {
    /// The state file's contents.
    public struct State: Codable, Sendable, Equatable {
        /// The base data the batches belong to.
        public var baseDataVersion: String
        /// Future batches 1…`throughBatch` are in train (0: none yet).
        public var throughBatch: Int
        /// How many future batches the base data has.
        public var futureBatches: Int
        /// When the state last changed.
        public var updatedAt: Date

        /// Creates a state.
        public init(baseDataVersion: String, throughBatch: Int, futureBatches: Int, updatedAt: Date = Date()) {
            self.baseDataVersion = baseDataVersion
            self.throughBatch = throughBatch
            self.futureBatches = futureBatches
            self.updatedAt = Date(timeIntervalSince1970: updatedAt.timeIntervalSince1970.rounded(.down))
        }

        enum CodingKeys: String, CodingKey {
            case baseDataVersion = "base_data_version", throughBatch = "through_batch"
            case futureBatches = "future_batches", updatedAt = "updated_at"
        }
    }

    /// Base data that future batches come from: where it is and its manifest.
    public struct Base: Sendable {
        /// Its location (a local path or a remote URI) and data version.
        public let data: SweepData
        /// Its manifest.
        public let manifest: DataManifest
        /// Its data version.
        public var dataVersion: String { manifest.dataVersion }
        /// How many future batches it has.
        public var futureBatches: Int { manifest.futureBatches.count }
    }

    /// Data to train on, as `data(base:throughBatch:)` found or made it.
    public struct Prepared: Sendable {
        /// Where workers read it (a local path or a URI in the artifacts store) and its version.
        public let data: SweepData
        /// Its manifest.
        public let manifest: DataManifest
        /// Whether this call derived it (false: it was there already, or it is the base).
        public let derived: Bool
    }

    /// The artifacts store the state and the derived directories live in.
    public let artifacts: any BlobStore
    /// A local directory for fetched and derived files on their way to a remote store.
    public let scratch: URL
    /// The environment remote base data is opened with (`RUNG_S3_ENDPOINT`, credentials).
    public let environment: [String: String]

    /// A store in `artifacts`, staging remote transfers in `scratch`.
    public init(artifacts: any BlobStore, scratch: URL,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.artifacts = artifacts
        self.scratch = scratch
        self.environment = environment
    }

    /// The key of everything derived from the base data `baseVersion`.
    public static func directoryKey(baseVersion: String) -> String {
        "data/cumulative/\(baseVersion)"
    }

    /// The key of the cumulative data through batch `k`, e.g. `…/through-002`.
    public static func dataKey(baseVersion: String, throughBatch k: Int) -> String {
        let digits = String(k)
        return directoryKey(baseVersion: baseVersion) + "/through-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The key of the state file of the base data `baseVersion`.
    public static func stateKey(baseVersion: String) -> String {
        directoryKey(baseVersion: baseVersion) + "/latest.json"
    }

    /// Reads the manifest of the base data at `data` (local or remote).
    public func base(_ data: SweepData) throws -> Base {
        if !SweepData.isRemote(data.uri) {
            return Base(data: data, manifest: try PreparedData.open(SweepData.localURL(data.uri)).manifest)
        }
        let store = try openBlobStore(uri: data.uri, environment: environment)
        let file = try temporaryFile("manifest")
        defer { try? FileManager.default.removeItem(at: file) }
        try store.get(PreparedData.manifestFileName, to: file)
        return Base(data: data, manifest: try DataManifest.load(from: file))
    }

    /// The recorded state of the base data, or nil before the first `rung data advance`.
    public func state(of base: Base) throws -> State? {
        let key = Self.stateKey(baseVersion: base.dataVersion)
        guard try artifacts.exists(key) else { return nil }
        let file = try temporaryFile("latest")
        defer { try? FileManager.default.removeItem(at: file) }
        try artifacts.get(key, to: file)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(State.self, from: Data(contentsOf: file))
        } catch {
            throw RungError.badInput("\(artifacts.uri(for: key)) is not a valid cumulative-data state: \(Self.describe(error)).")
        }
    }

    /// Records that batches 1…`throughBatch` of `base` are in train (the blob is replaced
    /// as a whole).
    @discardableResult
    public func record(throughBatch k: Int, of base: Base) throws -> State {
        guard k >= 0, k <= base.futureBatches else {
            throw RungError.usage("through batch \(k): \(base.data.uri) has future batches 1–\(base.futureBatches).")
        }
        let state = State(baseDataVersion: base.dataVersion, throughBatch: k, futureBatches: base.futureBatches)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let file = try temporaryFile("latest")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try (encoder.encode(state) + Data("\n".utf8)).write(to: file)
        } catch {
            throw RungError.unavailable("cannot write \(file.path): \(error.localizedDescription)")
        }
        try artifacts.put(file, key: Self.stateKey(baseVersion: base.dataVersion))
        return state
    }

    /// The number of batches `through` selects for `base`: `latest` reads the state (0 when
    /// there is none yet); a number must not exceed the base's batch count.
    public func resolve(_ through: ThroughBatch, base: Base) throws -> Int {
        switch through {
        case .latest:
            return try state(of: base)?.throughBatch ?? 0
        case .batch(let k):
            guard k <= base.futureBatches else {
                throw RungError.badInput("data.through_batch \(k): the prepared data \(base.data.uri) has future batches 1–\(base.futureBatches).")
            }
            return k
        }
    }

    /// The data to train on: `base` itself for 0 batches, else the cumulative data through
    /// batch `k`, derived into the artifacts store the first time it is needed.
    public func data(base: Base, throughBatch k: Int) throws -> Prepared {
        guard k > 0 else { return Prepared(data: base.data, manifest: base.manifest, derived: false) }
        let key = Self.dataKey(baseVersion: base.dataVersion, throughBatch: k)
        if let existing = try existing(key, base: base, throughBatch: k) { return existing }

        let (baseDirectory, fetched) = try localBase(base)
        defer { if fetched { try? FileManager.default.removeItem(at: baseDirectory) } }
        if let out = artifacts.localFile(for: key) {
            let manifest = try CumulativeData.derive(base: baseDirectory, throughBatch: k, out: out)
            return Prepared(data: SweepData(uri: out.path, version: manifest.dataVersion), manifest: manifest, derived: true)
        }
        let out = scratch.appendingPathComponent("through-\(k)-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try CumulativeData.derive(base: baseDirectory, throughBatch: k, out: out)
        try artifacts.upload(directory: out, prefix: key)
        return Prepared(data: SweepData(uri: artifacts.uri(for: key), version: manifest.dataVersion),
                        manifest: manifest, derived: true)
    }

    /// The cumulative data already at `key`, if it is complete and of this base and `k`.
    private func existing(_ key: String, base: Base, throughBatch k: Int) throws -> Prepared? {
        func matches(_ manifest: DataManifest) -> Bool {
            manifest.cumulative?.baseDataVersion == base.dataVersion && manifest.cumulative?.throughBatch == k
        }
        let manifestKey = key + "/" + PreparedData.manifestFileName
        if let directory = artifacts.localFile(for: key) {
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(PreparedData.manifestFileName).path),
                  let prepared = try? PreparedData.open(directory), matches(prepared.manifest) else { return nil }
            return Prepared(data: SweepData(uri: directory.path, version: prepared.dataVersion), manifest: prepared.manifest, derived: false)
        }
        guard try artifacts.exists(manifestKey) else { return nil }
        let file = try temporaryFile("manifest")
        defer { try? FileManager.default.removeItem(at: file) }
        try artifacts.get(manifestKey, to: file)
        guard let manifest = try? DataManifest.load(from: file), matches(manifest) else { return nil }
        // An upload cut short leaves some files missing: derive and upload again then.
        let present = Set(try artifacts.list(prefix: key + "/").map { String($0.dropFirst(key.count + 1)) })
        guard manifest.files.allSatisfy({ present.contains($0.name) }) else { return nil }
        return Prepared(data: SweepData(uri: artifacts.uri(for: key), version: manifest.dataVersion), manifest: manifest, derived: false)
    }

    /// A local directory with the base's files: the base itself when it is local, else a
    /// fetch of its manifest and every file it lists into the scratch directory (`fetched`).
    private func localBase(_ base: Base) throws -> (URL, fetched: Bool) {
        guard SweepData.isRemote(base.data.uri) else { return (SweepData.localURL(base.data.uri), false) }
        let store = try openBlobStore(uri: base.data.uri, environment: environment)
        let directory = scratch.appendingPathComponent("base-\(base.dataVersion)-\(UUID().uuidString)", isDirectory: true)
        do {
            for name in [PreparedData.manifestFileName] + base.manifest.files.map(\.name) {
                try store.get(name, to: directory.appendingPathComponent(name))
            }
            let fetched = try DataManifest.load(from: directory.appendingPathComponent(PreparedData.manifestFileName))
            guard fetched.dataVersion == base.dataVersion else {
                throw RungError.badInput("the prepared data at \(base.data.uri) changed while it was read (data version \(base.dataVersion), now \(fetched.dataVersion)).")
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        return (directory, true)
    }

    /// One phrase for a JSON decoding error.
    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _):
            return "it has no \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not JSON" : "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default:
            return error.localizedDescription
        }
    }

    /// A fresh file name in the scratch directory (which is created).
    private func temporaryFile(_ stem: String) throws -> URL {
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw RungError.unavailable("cannot create the scratch directory \(scratch.path): \(error.localizedDescription)")
        }
        return scratch.appendingPathComponent("\(stem)-\(UUID().uuidString).json")
    }
}
