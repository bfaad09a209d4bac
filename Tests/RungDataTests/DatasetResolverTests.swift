import Foundation
import RungCore
import RungData
import XCTest
import ZIPFoundation

final class DatasetResolverTests: XCTestCase {
    /// Synthetic rows in the shape of the real file's first columns (never real data).
    let syntheticCSV = "encounter_id,patient_nbr,race,readmitted\n1,10,Caucasian,NO\n2,20,?,>30\n3,30,Asian,<30\n"

    func dataset(sha256: String) -> KnownDataset {
        KnownDataset(id: "uci-diabetes-130", relativePath: "diabetes/diabetic_data.csv",
                     url: "http://127.0.0.1:9/never-used", sha256: sha256)
    }

    func makeZip(in dir: URL, nested: Bool) throws -> [UInt8] {
        let csv = try TestSupport.write(syntheticCSV, "src/diabetic_data.csv", in: dir)
        let inner = dir.appendingPathComponent("inner.zip")
        let a = try Archive(url: inner, accessMode: .create)
        try a.addEntry(with: "dataset_diabetes/diabetic_data.csv", fileURL: csv, compressionMethod: .deflate)
        try TestSupport.write("a,b\n", "src/IDs_mapping.csv", in: dir)
        try a.addEntry(with: "dataset_diabetes/IDs_mapping.csv", fileURL: dir.appendingPathComponent("src/IDs_mapping.csv"))
        guard nested else { return Array(try Data(contentsOf: inner)) }
        let outer = dir.appendingPathComponent("outer.zip")
        let b = try Archive(url: outer, accessMode: .create)
        try b.addEntry(with: "readme.txt", fileURL: dir.appendingPathComponent("src/IDs_mapping.csv"))
        try b.addEntry(with: "dataset_diabetes.zip", fileURL: inner)
        return Array(try Data(contentsOf: outer))
    }

    func testPathsAndFileURLsResolveToThemselves() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let f = try TestSupport.write("a\n1\n", "x.csv", in: dir)
        XCTAssertEqual(try DatasetResolver.resolve(f.path, environment: [:]).path, f.path)
        XCTAssertEqual(try DatasetResolver.resolve("file://\(f.path)", environment: [:]).path, f.path)
        TestSupport.assertRungError(try DatasetResolver.resolve(dir.appendingPathComponent("nope.csv").path, environment: [:]),
                                    kind: .badInput, contains: ["nope.csv", "uci-diabetes-130"])
        TestSupport.assertRungError(try DatasetResolver.resolve("s3://bucket/x.csv", environment: [:]),
                                    kind: .usage, contains: ["s3://bucket/x.csv", "not supported yet"])
    }

    func testRungDatasetsComesBeforeTheCache() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let first = dir.appendingPathComponent("first"), second = dir.appendingPathComponent("second")
        let cacheHome = dir.appendingPathComponent("xdg")
        try TestSupport.write("a\n", "diabetes/diabetic_data.csv", in: second)
        try TestSupport.write("b\n", "rung/datasets/diabetes/diabetic_data.csv", in: cacheHome)
        try FileManager.default.createDirectory(at: first, withIntermediateDirectories: true)
        let env = ["RUNG_DATASETS": "\(first.path):\(second.path)", "XDG_CACHE_HOME": cacheHome.path, "HOME": dir.path]
        let d = dataset(sha256: "unused")
        XCTAssertEqual(try DatasetResolver.resolve("uci-diabetes-130", environment: env, catalog: [d]).path,
                       second.appendingPathComponent("diabetes/diabetic_data.csv").path)
        let cacheOnly = ["RUNG_DATASETS": first.path, "XDG_CACHE_HOME": cacheHome.path]
        XCTAssertEqual(try DatasetResolver.resolve("uci-diabetes-130", environment: cacheOnly, catalog: [d]).path,
                       cacheHome.appendingPathComponent("rung/datasets/diabetes/diabetic_data.csv").path)
        // Without XDG_CACHE_HOME the cache is under HOME/.cache.
        XCTAssertEqual(DatasetResolver.cacheDirectory(environment: ["HOME": "/h"]).path, "/h/.cache/rung/datasets")
    }

    func testDownloadFromLoopbackServerIsExtractedVerifiedAndCached() throws {
        for nested in [false, true] {
            let dir = try TestSupport.temporaryDirectory(self)
            let server = try LoopbackHTTPServer(routes: ["/data.zip": try makeZip(in: dir, nested: nested)])
            let cacheHome = dir.appendingPathComponent("xdg")
            let d = dataset(sha256: ContentHash.sha256(Array(syntheticCSV.utf8)))
            let env = ["XDG_CACHE_HOME": cacheHome.path, d.urlEnvironmentKey: server.url("/data.zip")]
            let url = try DatasetResolver.resolve("uci-diabetes-130", environment: env, catalog: [d])
            XCTAssertEqual(url.path, cacheHome.appendingPathComponent("rung/datasets/diabetes/diabetic_data.csv").path)
            XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), syntheticCSV)
            XCTAssertEqual(server.requests, ["/data.zip"])
            server.stop()
            // Now cached: no server needed.
            XCTAssertEqual(try DatasetResolver.resolve("uci-diabetes-130", environment: env, catalog: [d]).path, url.path)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cacheHome.appendingPathComponent("rung/datasets").path), ["diabetes"],
                           "no temporary download directories are left")
        }
        XCTAssertEqual(KnownDataset.uciDiabetes130.urlEnvironmentKey, "RUNG_DATASET_URL_UCI_DIABETES_130")
    }

    func testChecksumMismatchIsAnErrorAndCachesNothing() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let server = try LoopbackHTTPServer(routes: ["/data.zip": try makeZip(in: dir, nested: false)])
        defer { server.stop() }
        let cacheHome = dir.appendingPathComponent("xdg")
        let wrong = String(repeating: "0", count: 64)
        let d = dataset(sha256: wrong)
        let env = ["XDG_CACHE_HOME": cacheHome.path, d.urlEnvironmentKey: server.url("/data.zip")]
        TestSupport.assertRungError(try DatasetResolver.resolve("uci-diabetes-130", environment: env, catalog: [d]),
                                    kind: .unavailable, contains: ["SHA-256", wrong, server.url("/data.zip")])
        let cache = cacheHome.appendingPathComponent("rung/datasets")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.path), [])
    }

    func testHTTPErrorAndUnreachableServerAreUnavailableNamingTheURL() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let server = try LoopbackHTTPServer(routes: [:])
        let d = dataset(sha256: "x")
        let missing = server.url("/missing.zip")
        TestSupport.assertRungError(
            try DatasetResolver.resolve("uci-diabetes-130", environment: ["XDG_CACHE_HOME": dir.path, d.urlEnvironmentKey: missing], catalog: [d]),
            kind: .unavailable, contains: [missing, "404"])
        let port = server.port
        server.stop()
        let closed = "http://127.0.0.1:\(port)/data.zip"
        TestSupport.assertRungError(
            try DatasetResolver.resolve("uci-diabetes-130", environment: ["XDG_CACHE_HOME": dir.path, d.urlEnvironmentKey: closed], catalog: [d]),
            kind: .unavailable, contains: [closed])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("rung/datasets/diabetes").path))
    }

    func testHTTPSourceIsDownloadedOnceIntoTheCache() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let server = try LoopbackHTTPServer(routes: ["/d/rows.csv": Array(syntheticCSV.utf8), "/z.zip": try makeZip(in: dir, nested: false)])
        let env = ["XDG_CACHE_HOME": dir.appendingPathComponent("xdg").path]
        let url = try DatasetResolver.resolve(server.url("/d/rows.csv"), environment: env)
        XCTAssertEqual(url.lastPathComponent, "rows.csv")
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), syntheticCSV)
        let zipped = try DatasetResolver.resolve(server.url("/z.zip"), environment: env)
        XCTAssertEqual(zipped.lastPathComponent, "diabetic_data.csv")
        XCTAssertEqual(try String(contentsOf: zipped, encoding: .utf8), syntheticCSV)
        XCTAssertEqual(server.requests, ["/d/rows.csv", "/z.zip"])
        server.stop()
        XCTAssertEqual(try DatasetResolver.resolve(server.url("/d/rows.csv"), environment: env), url, "served from the cache")
        let cache = dir.appendingPathComponent("xdg/rung/datasets")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.path), ["url"], "no temporary directories are left")
    }

    func testArchiveWithoutTheCSVIsAnError() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let other = try TestSupport.write("x\n", "other.csv", in: dir)
        let zipURL = dir.appendingPathComponent("o.zip")
        let a = try Archive(url: zipURL, accessMode: .create)
        try a.addEntry(with: "other.csv", fileURL: other)
        let server = try LoopbackHTTPServer(routes: ["/o.zip": Array(try Data(contentsOf: zipURL))])
        defer { server.stop() }
        let d = dataset(sha256: "x")
        TestSupport.assertRungError(
            try DatasetResolver.resolve("uci-diabetes-130", environment: ["XDG_CACHE_HOME": dir.path, d.urlEnvironmentKey: server.url("/o.zip")], catalog: [d]),
            kind: .unavailable, contains: ["diabetic_data.csv", server.url("/o.zip")])
    }
}
