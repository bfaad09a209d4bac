import Foundation
import RungData
import RungBlob
import RungWire
@testable import RungWorker
import XCTest

/// A blob store that behaves like a remote one (no local files) and counts downloads.
private final class RemoteLikeStore: BlobStore, @unchecked Sendable {
    let inner: FileBlobStore
    private let lock = NSLock()
    private var downloads: [String] = []

    init(root: URL) { inner = FileBlobStore(root: root) }

    var fetched: [String] { lock.withLock { downloads } }
    var rootURI: String { "s3://fake-bucket/prepared" }
    func put(_ file: URL, key: String) throws { try inner.put(file, key: key) }
    func putDirectory(_ files: [String: URL], prefix: String) throws { try inner.putDirectory(files, prefix: prefix) }
    func get(_ key: String, to destination: URL) throws {
        lock.withLock { downloads.append(key) }
        // Not a wait for a condition: a slow download widens the window in which a second
        // fetcher could start the same download, so a missing lock shows as a double fetch.
        Thread.sleep(forTimeInterval: 0.01)
        try inner.get(key, to: destination)
    }
    func localFile(for key: String) -> URL? { nil }
    func exists(_ key: String) throws -> Bool { try inner.exists(key) }
    func list(prefix: String) throws -> [String] { try inner.list(prefix: prefix) }
    func delete(_ key: String) throws { try inner.delete(key) }
    func uri(for key: String) -> String { rootURI + "/" + key }
}

final class DataCacheTests: XCTestCase {
    func testRemoteDataIsFetchedOnceIntoTheCacheAndSharedBetweenSlots() throws {
        let fixture = try PreparedFixture.make(self)
        let store = RemoteLikeStore(root: fixture.data)
        let cache = DataCache(root: fixture.cache, memoryLimit: 2, openStore: { _ in store })
        let results = LoadedBox()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            results.add(Result { try cache.load(uri: "s3://fake-bucket/prepared", dataVersion: fixture.dataVersion) })
        }
        let loaded = try results.all.map { try $0.get() }
        XCTAssertEqual(loaded.count, 4)
        let manifest = try DataManifest.load(from: fixture.data.appendingPathComponent("manifest.json"))
        XCTAssertEqual(store.fetched.sorted(), (["manifest.json"] + manifest.files.map(\.name)).sorted(),
                       "every file fetched exactly once")
        let cached = fixture.cache.appendingPathComponent(fixture.dataVersion)
        XCTAssertTrue(loaded.allSatisfy { $0.directory.standardizedFileURL == cached.standardizedFileURL })
        XCTAssertEqual(loaded[0].train.labels.count, manifest.split(.train)?.rows)
        XCTAssertEqual(loaded[0].test.labels.count, manifest.split(.test)?.rows)
        for file in manifest.files {
            XCTAssertEqual(try ContentHash.sha256(file: cached.appendingPathComponent(file.name)), file.sha256)
        }
        // No temporary directories are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.cache.path)
        XCTAssertFalse(names.contains { $0.contains(".tmp-") }, "\(names)")

        // A second cache (another worker process on the host) finds the files and fetches nothing.
        let other = RemoteLikeStore(root: fixture.data)
        let second = DataCache(root: fixture.cache, memoryLimit: 2, openStore: { _ in other })
        XCTAssertEqual(try second.localDirectory(uri: "s3://fake-bucket/prepared", dataVersion: fixture.dataVersion).standardizedFileURL,
                       cached.standardizedFileURL)
        XCTAssertEqual(other.fetched, [])
    }

    func testAWrongVersionIsRefusedBeforeFetchingTheSplits() throws {
        let fixture = try PreparedFixture.make(self)
        let store = RemoteLikeStore(root: fixture.data)
        let cache = DataCache(root: fixture.cache, memoryLimit: 2, openStore: { _ in store })
        XCTAssertThrowsError(try cache.load(uri: "s3://fake-bucket/prepared", dataVersion: "00000000deadbeef")) { error in
            XCTAssertTrue("\(error)".contains("00000000deadbeef") && "\(error)".contains(fixture.dataVersion), "\(error)")
        }
        XCTAssertEqual(store.fetched, ["manifest.json"])
        XCTAssertThrowsError(try cache.load(uri: "s3://fake-bucket/prepared", dataVersion: "../../etc")) { error in
            XCTAssertTrue("\(error)".contains("not a data version"), "\(error)")
        }
    }
}

/// Results collected from concurrent loads.
private final class LoadedBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<LoadedData, any Error>] = []
    func add(_ r: Result<LoadedData, any Error>) { lock.withLock { results.append(r) } }
    var all: [Result<LoadedData, any Error>] { lock.withLock { results } }
}
