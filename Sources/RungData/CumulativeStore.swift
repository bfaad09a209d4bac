import Foundation
import RungCore

/// Where cumulative data and its nightly state live under an artifacts directory:
/// `data/cumulative/<base data version>/through-<k>/` holds the data through batch k
/// (prepared once), and `data/cumulative/<base data version>/latest.json` records how many
/// batches `rung data advance` has added so far (`data.through_batch: latest` reads it).
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

    /// The artifacts directory.
    public let artifactsDirectory: URL

    /// A store under `artifactsDirectory`.
    public init(artifactsDirectory: URL) {
        self.artifactsDirectory = artifactsDirectory
    }

    /// The directory of everything derived from the base data `baseVersion`.
    public func directory(baseVersion: String) -> URL {
        artifactsDirectory.appendingPathComponent("data/cumulative/\(baseVersion)", isDirectory: true)
    }

    /// The directory of the cumulative data through batch `k`.
    public func dataDirectory(baseVersion: String, throughBatch k: Int) -> URL {
        let digits = String(k)
        return directory(baseVersion: baseVersion)
            .appendingPathComponent("through-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits, isDirectory: true)
    }

    /// The state file of the base data `baseVersion`.
    public func stateFile(baseVersion: String) -> URL {
        directory(baseVersion: baseVersion).appendingPathComponent("latest.json")
    }

    /// The recorded state of the base data, or nil before the first `rung data advance`.
    public func state(of base: PreparedData) throws -> State? {
        let url = stateFile(baseVersion: base.dataVersion)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(State.self, from: Data(try FileIO.read(url)))
        } catch let error as RungError {
            throw error
        } catch {
            throw RungError.badInput("\(url.path) is not a valid cumulative-data state: \(JSONErrorText.describe(error)).")
        }
    }

    /// Records that batches 1…`throughBatch` of `base` are in train (written atomically).
    @discardableResult
    public func record(throughBatch k: Int, of base: PreparedData) throws -> State {
        let count = base.manifest.futureBatches.count
        guard k >= 0, k <= count else {
            throw RungError.usage("through batch \(k): \(base.directory.path) has future batches 1–\(count).")
        }
        let state = State(baseDataVersion: base.dataVersion, throughBatch: k, futureBatches: count)
        let url = stateFile(baseVersion: base.dataVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let bytes = Array(try encoder.encode(state)) + [UInt8(ascii: "\n")]
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw RungError.unavailable("cannot create directory \(url.deletingLastPathComponent().path): \(error.localizedDescription)")
        }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".latest.json.tmp-\(getpid())")
        try FileIO.write(bytes, to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw RungError.unavailable("cannot write \(url.path): \(reason).")
        }
        return state
    }

    /// The number of batches `through` selects for `base`: `latest` reads the state (0 when
    /// there is none yet); a number must not exceed the base's batch count.
    public func resolve(_ through: ThroughBatch, base: PreparedData) throws -> Int {
        let count = base.manifest.futureBatches.count
        switch through {
        case .latest:
            return try state(of: base)?.throughBatch ?? 0
        case .batch(let k):
            guard k <= count else {
                throw RungError.badInput("data.through_batch \(k): the prepared data \(base.directory.path) has future batches 1–\(count).")
            }
            return k
        }
    }

    /// The prepared data to train on: `base` itself for 0 batches, else the cumulative data
    /// through batch `k`, derived into this store the first time it is needed.
    public func data(base: PreparedData, throughBatch k: Int) throws -> PreparedData {
        guard k > 0 else { return base }
        let directory = dataDirectory(baseVersion: base.dataVersion, throughBatch: k)
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(PreparedData.manifestFileName).path),
           let existing = try? PreparedData.open(directory),
           existing.manifest.cumulative?.baseDataVersion == base.dataVersion,
           existing.manifest.cumulative?.throughBatch == k {
            return existing
        }
        _ = try CumulativeData.derive(base: base.directory, throughBatch: k, out: directory)
        return try PreparedData.open(directory)
    }
}
