import Foundation
import RungCore
import RungData
@testable import RungHead
import RungBlob
import RungArtifacts
import XCTest

/// Cumulative data in the artifacts store, local and in S3 (a real moto server): the state
/// file, the derived directories, their reuse, and data versions that do not depend on where
/// the artifacts are.
final class CumulativeStoreTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("rung-cumulative-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let path = root!
        addTeardownBlock { try? FileManager.default.removeItem(at: path) }
        // 100 rows; the recipe gives train 0–19, validation 20–29, test 30–39 and future
        // batches 40–59, 60–79, 80–99 (colour green appears only in the batches).
        var csv = "id,x,colour,outcome\n"
        for i in 0..<100 {
            let colour = i >= 40 && i % 5 == 0 ? "green" : ["red", "blue"][i % 2]
            csv += "\(i),\(Double(i) / 8),\(colour),\(i % 3 == 0 ? "yes" : "no")\n"
        }
        try csv.write(to: root.appendingPathComponent("rows.csv"), atomically: true, encoding: .utf8)
        try """
        name: synthetic
        id_columns: [id]
        target: {name: y, from: outcome, negative: ["no"]}
        split: {initial_fraction: 0.4, train: 0.5, validation: 0.25, future_batches: 3}
        """.write(to: root.appendingPathComponent("recipe.yaml"), atomically: true, encoding: .utf8)
    }

    /// The source CSV's absolute path (a relative source is resolved against the working directory).
    private var rowsPath: String { root.appendingPathComponent("rows.csv").path }

    /// A sweep config whose `data:` section is `data`.
    private func config(_ data: String) throws -> SweepConfig {
        try SweepConfigParser.parse(yaml: """
        name: cumulative-test
        data: \(data)
        metric: {name: val_auc, mode: max}
        families:
          xgboost:
            trials: 1
            epoch: {rounds: 2}
            space:
              max_depth: {type: int, low: 2, high: 4}
        """, file: root.appendingPathComponent("nightly.yaml").path)
    }

    private func resolve(_ config: SweepConfig, _ artifacts: any BlobStore, _ environment: [String: String] = [:]) throws -> SweepData {
        try SweepData.resolve(config: config, configDirectory: root, override: nil, artifacts: artifacts,
                              scratch: root.appendingPathComponent("scratch"), environment: environment)
    }

    private func base(_ config: SweepConfig, _ store: CumulativeStore) throws -> CumulativeStore.Base {
        try store.base(SweepData.resolveBase(config: config, configDirectory: root, artifacts: store.artifacts,
                                             scratch: store.scratch, environment: store.environment))
    }

    /// The data versions through batches 0…3 with local artifacts, through `SweepData.resolve`.
    private func localVersions() throws -> [String] {
        let artifacts = FileBlobStore(root: root.appendingPathComponent("local-artifacts"))
        let store = CumulativeStore(artifacts: artifacts, scratch: root.appendingPathComponent("scratch"), environment: [:])
        let config = try config("{source: \(rowsPath), recipe: recipe.yaml, through_batch: latest}")
        let base = try base(config, store)
        var versions: [String] = []
        for k in 0...3 {
            try store.record(throughBatch: k, of: base)
            versions.append(try resolve(config, artifacts).version)
        }
        XCTAssertEqual(Set(versions).count, 4, "every k has its own data version: \(versions)")
        return versions
    }

    /// The contents of the scratch directory (it should hold nothing after a call).
    private func scratchContents() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("scratch").path)) ?? []
    }

    func testTheStoreRecordsTheLatestBatchAndPreparesEachVersionOnce() throws {
        let artifacts = FileBlobStore(root: root.appendingPathComponent("artifacts"))
        let store = CumulativeStore(artifacts: artifacts, scratch: root.appendingPathComponent("scratch"), environment: [:])
        let prepared = root.appendingPathComponent("base")
        _ = try DatasetPreparer.prepare(source: root.appendingPathComponent("rows.csv"),
                                        recipe: DatasetRecipe.load(from: root.appendingPathComponent("recipe.yaml")), out: prepared)
        let base = try store.base(SweepData(uri: prepared.path, version: "unused"))
        XCTAssertEqual(base.futureBatches, 3)
        XCTAssertNil(try store.state(of: base))
        XCTAssertEqual(try store.resolve(.latest, base: base), 0, "nothing advanced yet: the initial data")
        XCTAssertEqual(try store.data(base: base, throughBatch: 0).data.uri, prepared.path)

        try store.record(throughBatch: 1, of: base)
        XCTAssertEqual(try store.resolve(.latest, base: base), 1)
        XCTAssertEqual(try store.state(of: base)?.futureBatches, 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("artifacts/data/cumulative/\(base.dataVersion)/latest.json").path))
        let one = try store.data(base: base, throughBatch: 1)
        XCTAssertTrue(one.derived)
        let directory = root.appendingPathComponent("artifacts/data/cumulative/\(base.dataVersion)/through-001")
        XCTAssertEqual(URL(fileURLWithPath: one.data.uri).standardizedFileURL.path, directory.standardizedFileURL.path)
        XCTAssertEqual(one.manifest.cumulative?.throughBatch, 1)
        XCTAssertEqual(one.data.version, try PreparedData.open(directory).dataVersion)
        // Date the prepared file far in the past: a rewrite would show, however coarse the file system's clock.
        let train = directory.appendingPathComponent("train.csv").path
        let written = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: written], ofItemAtPath: train)
        let cached = try store.data(base: base, throughBatch: 1)
        XCTAssertFalse(cached.derived)
        XCTAssertEqual(cached.data, one.data)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: train)[.modificationDate] as? Date,
                       written, "the second request reuses the prepared directory")

        try store.record(throughBatch: 3, of: base)
        XCTAssertEqual(try store.data(base: base, throughBatch: store.resolve(.latest, base: base)).manifest.split(.train)?.rows, 80)
        XCTAssertEqual(try store.resolve(.batch(2), base: base), 2)
        XCTAssertThrowsError(try store.resolve(.batch(4), base: base)) { error in
            XCTAssertEqual((error as? RungError)?.kind, .badInput)
            XCTAssertTrue("\(error)".contains("data.through_batch 4"), "\(error)")
        }
        XCTAssertThrowsError(try store.record(throughBatch: 4, of: base)) { error in
            XCTAssertEqual((error as? RungError)?.kind, .usage)
            XCTAssertTrue("\(error)".contains("through batch 4"), "\(error)")
        }
        XCTAssertEqual(scratchContents(), [])
    }

    func testS3ArtifactsGiveTheLocalDataVersionsAndReuseTheUploadedDirectory() throws {
        let local = try localVersions()
        let moto = try MotoS3(self)
        let env = moto.environment
        let artifacts = try S3BlobStore(uri: "s3://\(moto.bucket)/nightly", environment: env)
        let config = try config("{source: \(rowsPath), recipe: recipe.yaml, through_batch: latest}")

        // Before the first advance: the base data, prepared and uploaded into the artifacts.
        let initial = try resolve(config, artifacts, env)
        XCTAssertEqual(initial.version, local[0])
        XCTAssertTrue(initial.uri.hasPrefix("s3://\(moto.bucket)/nightly/data/recipe-"), initial.uri)

        // What `rung data advance` does: record k = 1, derive and upload the data.
        let store = CumulativeStore(artifacts: artifacts, scratch: root.appendingPathComponent("scratch"), environment: env)
        let base = try base(config, store)
        XCTAssertEqual(base.dataVersion, local[0])
        XCTAssertNil(try store.state(of: base))
        try store.record(throughBatch: 1, of: base)
        let stateKey = "data/cumulative/\(base.dataVersion)/latest.json"
        XCTAssertTrue(try artifacts.exists(stateKey), "the state file is in S3")
        XCTAssertEqual(try store.state(of: base)?.throughBatch, 1)
        XCTAssertEqual(try store.state(of: base)?.futureBatches, 3)

        let one = try resolve(config, artifacts, env)
        XCTAssertEqual(one.version, local[1], "the same data version as with local artifacts")
        XCTAssertEqual(one.uri, "s3://\(moto.bucket)/nightly/data/cumulative/\(base.dataVersion)/through-001")
        let uploaded = try artifacts.list(prefix: "data/cumulative/\(base.dataVersion)/through-001/")
            .map { String($0.dropFirst("data/cumulative/\(base.dataVersion)/through-001/".count)) }
        XCTAssertEqual(Set(uploaded), ["manifest.json", "preprocessor.json", "train.csv", "validation.csv", "test.csv",
                                       "future/batch-002.csv", "future/batch-003.csv"])
        XCTAssertEqual(scratchContents(), [], "nothing is left in the scratch directory")

        // The derived train.csv is byte for byte the one derived locally.
        let fetched = root.appendingPathComponent("fetched-train.csv")
        try artifacts.get("data/cumulative/\(base.dataVersion)/through-001/train.csv", to: fetched)
        XCTAssertEqual(try Data(contentsOf: fetched),
                       try Data(contentsOf: root.appendingPathComponent("local-artifacts/data/cumulative/\(base.dataVersion)/through-001/train.csv")))

        // A second resolve reuses the upload: it no longer needs the base's train split,
        // which deriving would read (and does, for k = 2).
        let baseTrain = String(initial.uri.dropFirst("s3://\(moto.bucket)/nightly/".count)) + "/train.csv"
        XCTAssertTrue(try artifacts.exists(baseTrain), baseTrain)
        try artifacts.delete(baseTrain)
        XCTAssertEqual(try resolve(config, artifacts, env), one)
        XCTAssertFalse(try store.data(base: base, throughBatch: 1).derived)
        try store.record(throughBatch: 2, of: base)
        XCTAssertThrowsError(try resolve(config, artifacts, env), "deriving k = 2 needs the deleted base file") { error in
            XCTAssertTrue("\(error)".contains("train.csv"), "\(error)")
        }
        XCTAssertFalse(try artifacts.exists("data/cumulative/\(base.dataVersion)/through-002/manifest.json"))
        XCTAssertEqual(scratchContents(), [], "a failed derive leaves nothing in the scratch directory")
    }

    func testAnS3BaseWorksWithLocalAndS3ArtifactsAndAnIncompleteUploadIsDerivedAgain() throws {
        let local = try localVersions()
        let moto = try MotoS3(self)
        let env = moto.environment
        // The base data prepared locally and uploaded as data.prepared.
        let prepared = root.appendingPathComponent("prepared")
        _ = try DatasetPreparer.prepare(source: root.appendingPathComponent("rows.csv"),
                                        recipe: DatasetRecipe.load(from: root.appendingPathComponent("recipe.yaml")), out: prepared)
        let bucket = try S3BlobStore(uri: "s3://\(moto.bucket)", environment: env)
        try bucket.upload(directory: prepared, prefix: "prepared")
        let config = try config("{prepared: \"s3://\(moto.bucket)/prepared\", through_batch: 2}")

        // Local artifacts: the base is fetched, the data derived in the artifacts directory.
        let localArtifacts = FileBlobStore(root: root.appendingPathComponent("artifacts"))
        let two = try resolve(config, localArtifacts, env)
        XCTAssertEqual(two.version, local[2])
        XCTAssertEqual(URL(fileURLWithPath: two.uri).standardizedFileURL.path,
                       root.appendingPathComponent("artifacts/data/cumulative/\(local[0])/through-002").standardizedFileURL.path)
        XCTAssertEqual(try PreparedData.open(URL(fileURLWithPath: two.uri)).manifest.split(.train)?.rows, 60)

        // S3 artifacts.
        let artifacts = try S3BlobStore(uri: "s3://\(moto.bucket)/runs", environment: env)
        let remote = try resolve(config, artifacts, env)
        XCTAssertEqual(remote.version, local[2])
        XCTAssertEqual(remote.uri, "s3://\(moto.bucket)/runs/data/cumulative/\(local[0])/through-002")
        XCTAssertEqual(scratchContents(), [])

        // An upload cut short (a file missing) is not reused: the data is derived again.
        let key = "data/cumulative/\(local[0])/through-002"
        try artifacts.delete(key + "/test.csv")
        let store = CumulativeStore(artifacts: artifacts, scratch: root.appendingPathComponent("scratch"), environment: env)
        let again = try store.data(base: try base(config, store), throughBatch: 2)
        XCTAssertTrue(again.derived)
        XCTAssertEqual(again.data, remote)
        XCTAssertTrue(try artifacts.exists(key + "/test.csv"))
        XCTAssertFalse(try store.data(base: try base(config, store), throughBatch: 2).derived)
    }
}
