import Foundation
import RungCore
import RungData
import RungBlob
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker's data cache, keyed by data version.
///
/// A local `data_uri` (a path or `file://`) is used in place after checking its manifest's
/// data version. Anything else is fetched once per host into `<root>/<data_version>/`:
/// every file the manifest lists, checked against its SHA-256, written under a temporary
/// name and renamed into place, under a file lock so two slots or two worker processes
/// never fetch the same version twice. Loaded splits are kept in memory for the most
/// recently used versions and shared between slots.
///
/// Thread-safe: every mutable field is guarded by a lock, hence `@unchecked Sendable`.
public final class DataCache: @unchecked Sendable {
    /// The cache directory.
    public let root: URL
    /// How many data versions stay loaded in memory.
    public let memoryLimit: Int
    private let openStore: @Sendable (String) throws -> any BlobStore
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var useCounter = 0
    private var hitCount = 0
    private var missCount = 0

    /// Loads served from memory and loads that read the splits, so far.
    public var counts: (hits: Int, misses: Int) { lock.withLock { (hitCount, missCount) } }

    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var loaded: LoadedData?
        /// Guarded by the cache's lock, not the entry's.
        var lastUse = 0
    }

    /// A cache in `root` that opens data locations with `openBlobStore(uri:)`.
    public convenience init(root: URL, memoryLimit: Int = 2) {
        self.init(root: root, memoryLimit: memoryLimit, openStore: { try openBlobStore(uri: $0) })
    }

    /// A cache that opens data locations with `openStore` (tests use it to simulate a remote store).
    init(root: URL, memoryLimit: Int, openStore: @escaping @Sendable (String) throws -> any BlobStore) {
        self.root = root
        self.memoryLimit = max(1, memoryLimit)
        self.openStore = openStore
    }

    /// The prepared splits of `dataVersion` at `uri`, loaded once and shared.
    public func load(uri: String, dataVersion: String) throws -> LoadedData {
        let entry: Entry = lock.withLock {
            useCounter += 1
            let e = entries[dataVersion] ?? Entry()
            e.lastUse = useCounter
            entries[dataVersion] = e
            return e
        }
        let loaded: LoadedData = try entry.lock.withLock {
            if let loaded = entry.loaded {
                lock.withLock { hitCount += 1 }
                return loaded
            }
            lock.withLock { missCount += 1 }
            let directory = try localDirectory(uri: uri, dataVersion: dataVersion)
            let prepared = try PreparedData.open(directory)
            try Self.check(prepared.dataVersion, expected: dataVersion, at: uri)
            let train = try prepared.load(.train)
            // Cross-validated data has no validation split: its folds are loaded instead.
            var loaded = LoadedData(directory: directory, prepared: prepared, train: train,
                                    validation: prepared.isCrossValidated ? train : try prepared.load(.validation),
                                    test: try prepared.load(.test))
            loaded.folds = try prepared.loadFolds()
            entry.loaded = loaded
            return loaded
        }
        evictIfNeeded()
        return loaded
    }

    /// A local directory holding the prepared data of `dataVersion` from `uri` (for the
    /// `command` family, whose program reads the files itself).
    public func localDirectory(uri: String, dataVersion: String) throws -> URL {
        guard !dataVersion.isEmpty, dataVersion.count <= 128,
              dataVersion.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }),
              dataVersion.allSatisfy(\.isASCII) else {
            throw RungError.badInput("the data version '\(dataVersion)' is not a data version (16 hex digits from rung data prepare)")
        }
        let store = try openStore(uri)
        if let local = store.localFile(for: PreparedData.manifestFileName) {
            guard FileManager.default.fileExists(atPath: local.path) else {
                throw RungError.badInput("there is no prepared data at \(uri): \(local.path) does not exist")
            }
            let manifest = try DataManifest.load(from: local)
            try Self.check(manifest.dataVersion, expected: dataVersion, at: uri)
            return local.deletingLastPathComponent()
        }
        return try fetch(store: store, uri: uri, dataVersion: dataVersion)
    }

    private func fetch(store: any BlobStore, uri: String, dataVersion: String) throws -> URL {
        let fm = FileManager.default
        let target = root.appendingPathComponent(dataVersion, isDirectory: true)
        if let ready = try? cachedManifest(in: target), ready.dataVersion == dataVersion { return target }
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw RungError.unavailable("cannot create the worker cache directory \(root.path): \(error.localizedDescription)")
        }
        let lockFile = root.appendingPathComponent(".\(dataVersion).lock")
        let fd = open(lockFile.path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw RungError.unavailable("cannot open the cache lock \(lockFile.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw RungError.unavailable("cannot lock \(lockFile.path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        // Another slot or process may have fetched it while we waited for the lock.
        if let ready = try? cachedManifest(in: target), ready.dataVersion == dataVersion { return target }
        let temporary = root.appendingPathComponent(".\(dataVersion).tmp-\(getpid())-\(UUID().uuidString)", isDirectory: true)
        defer { try? fm.removeItem(at: temporary) }
        let manifestURL = temporary.appendingPathComponent(PreparedData.manifestFileName)
        try store.get(PreparedData.manifestFileName, to: manifestURL)
        let manifest = try DataManifest.load(from: manifestURL)
        try Self.check(manifest.dataVersion, expected: dataVersion, at: uri)
        for file in manifest.files {
            let local = temporary.appendingPathComponent(file.name)
            try store.get(file.name, to: local)
            let actual = try ContentHash.sha256(file: local)
            guard actual == file.sha256 else {
                throw RungError.badInput("\(store.uri(for: file.name)) has SHA-256 \(actual), but its manifest records \(file.sha256)")
            }
        }
        if fm.fileExists(atPath: target.path) { try? fm.removeItem(at: target) }
        guard rename(temporary.path, target.path) == 0 else {
            throw RungError.unavailable("cannot move the fetched data into \(target.path): \(String(cString: strerror(errno)))")
        }
        return target
    }

    private func cachedManifest(in directory: URL) throws -> DataManifest {
        try DataManifest.load(from: directory.appendingPathComponent(PreparedData.manifestFileName))
    }

    private static func check(_ actual: String, expected: String, at uri: String) throws {
        guard actual == expected else {
            throw RungError.badInput("the prepared data at \(uri) has data version \(actual), but the trial was assigned data version \(expected)")
        }
    }

    private func evictIfNeeded() {
        lock.withLock {
            // An entry being loaded right now holds its lock: it is not evicted this time.
            let loaded = entries.filter { item in
                guard item.value.lock.try() else { return false }
                defer { item.value.lock.unlock() }
                return item.value.loaded != nil
            }
            guard loaded.count > memoryLimit else { return }
            for (version, _) in loaded.sorted(by: { $0.value.lastUse < $1.value.lastUse }).prefix(loaded.count - memoryLimit) {
                entries[version] = nil
            }
        }
    }
}
