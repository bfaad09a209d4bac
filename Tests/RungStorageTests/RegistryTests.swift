import Foundation
import RungCore
@testable import RungBlob
@testable import RungStore
@testable import RungArtifacts
import XCTest

final class RegistryTests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var store: SQLiteStore!
    private var blobs: FileBlobStore!
    private var registry: Registry!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        store = try SQLiteStore(path: dir.path("rung.db"))
        blobs = FileBlobStore(root: dir.url.appendingPathComponent("artifacts"))
        registry = Registry(store: store, blobs: blobs)
    }

    override func tearDown() {
        registry = nil
        store = nil
        dir = nil
    }

    /// Writes a source directory whose model.json carries `tag`, so versions are told apart.
    private func source(_ tag: String) throws -> URL {
        let url = dir.url.appendingPathComponent("trial-\(tag)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data(#"{"learner":{"tag":"\#(tag)"},"version":[1,7,4]}"#.utf8).write(to: url.appendingPathComponent("model.json"))
        try Data(#"{"numeric":[],"tag":"\#(tag)"}"#.utf8).write(to: url.appendingPathComponent("preprocessor.json"))
        return url
    }

    private func metadata(_ metrics: [String: Double], trial: Int64 = 1) -> ModelMetadata {
        ModelMetadata(family: "ignored", params: ["max_depth": .int(6), "learning_rate": .double(0.05),
                                                  "booster": .string("gbtree"), "nested": .array([.bool(true), .null])],
                      seed: 42, metrics: metrics, dataVersion: "sha256:abc", sweepID: 7, trialID: trial)
    }

    @discardableResult
    private func register(_ tag: String, _ metrics: [String: Double], family: String = "xgboost",
                          policy: PromotionPolicy = PromotionPolicy()) throws -> ModelVersion {
        try registry.register(family: family, sourceDirectory: source(tag), metadata: metadata(metrics), policy: policy)
    }

    private func stages(_ family: String = "xgboost") throws -> [ModelVersion.Stage] {
        try registry.versions(family: family).map(\.stage)
    }

    private func tag(in directory: URL) throws -> String {
        let text = try String(contentsOf: directory.appendingPathComponent("model.json"), encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: #"(?<="tag":")[^"]+"#, options: .regularExpression))
        return String(text[range])
    }

    func testFirstVersionIsProductionAndHoldsItsFiles() throws {
        let auc = Double.random(in: 0.6..<0.9)
        let version = try register("a", ["test_auc": auc, "val_auc": 0.7, "test_logloss": .nan])
        XCTAssertEqual(version.version, 1)
        XCTAssertEqual(version.stage, .production)
        XCTAssertEqual(version.sweepID, 7)
        XCTAssertEqual(version.trialID, 1)
        XCTAssertEqual(version.uri, blobs.uri(for: "registry/xgboost/v1"))

        let directory = dir.url.appendingPathComponent("artifacts/registry/xgboost/v1")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["metadata.json", "model.json", "preprocessor.json"])
        XCTAssertEqual(try tag(in: directory), "a")
        let facts = try registry.metadata(of: version)
        XCTAssertEqual(facts.family, "xgboost")
        XCTAssertEqual(facts.version, 1)
        XCTAssertEqual(facts.params, metadata([:]).params)
        XCTAssertEqual(facts.metrics["test_auc"]?.bitPattern, auc.bitPattern, "metadata metrics round-trip exactly")
        XCTAssertTrue(facts.metrics["test_logloss"]?.isNaN ?? false)
        XCTAssertEqual(facts.createdAt, version.createdAt)
        XCTAssertEqual(facts.rungVersion, RungVersion.string)
        // The JSON is plain: Python reads NaN as the string "NaN"; keys are snake_case.
        let raw = try String(contentsOf: directory.appendingPathComponent("metadata.json"), encoding: .utf8)
        for key in ["\"data_version\"", "\"sweep_id\"", "\"trial_id\"", "\"rung_version\"", "\"created_at\"", "\"NaN\""] {
            XCTAssertTrue(raw.contains(key), "\(key) in \(raw)")
        }
    }

    func testPromotionRuleForMax() throws {
        try register("v1", ["test_auc": 0.800])
        try register("v2", ["test_auc": 0.802])           // better by exactly the minimum
        XCTAssertEqual(try stages(), [.archived, .production])
        try register("v3", ["test_auc": 0.8035])          // better by 0.0015 only
        try register("v4", ["test_auc": 0.700])           // worse
        XCTAssertEqual(try stages(), [.archived, .production, .staging, .staging])
        try register("v5", ["test_auc": 0.850])
        XCTAssertEqual(try stages(), [.archived, .archived, .staging, .staging, .production])
        XCTAssertEqual(try tag(in: registry.resolve("xgboost@production")), "v5")
    }

    func testPromotionRuleForMin() throws {
        let policy = PromotionPolicy(metric: "test_logloss", minImprovement: 0.01, mode: .min)
        try register("m1", ["test_logloss": 0.50], policy: policy)
        try register("m2", ["test_logloss": 0.495], policy: policy)   // lower, but by less than 0.01
        try register("m3", ["test_logloss": 0.60], policy: policy)    // higher is worse
        XCTAssertEqual(try stages(), [.production, .staging, .staging])
        try register("m4", ["test_logloss": 0.45], policy: policy)
        XCTAssertEqual(try stages(), [.archived, .staging, .staging, .production])
    }

    func testPolicyEdgeCases() {
        let policy = PromotionPolicy()
        XCTAssertTrue(policy.promotes(.nan, over: nil), "no production yet")
        XCTAssertTrue(policy.promotes(0.5, over: .nan))
        XCTAssertFalse(policy.promotes(.nan, over: 0.5))
        XCTAssertFalse(policy.promotes(0.5019, over: 0.5))
    }

    func testMissingMetricOrFilesAreClearErrors() throws {
        let noMetric = captureError { try register("x", ["val_auc": 0.9]) } as? RungError
        XCTAssertEqual(noMetric?.kind, .badInput)
        XCTAssertTrue(noMetric?.message.contains("test_auc") ?? false, noMetric?.message ?? "")

        let empty = dir.url.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let noFiles = captureError {
            try registry.register(family: "xgboost", sourceDirectory: empty, metadata: metadata(["test_auc": 1]))
        } as? RungError
        XCTAssertTrue(noFiles?.message.contains("model.json") ?? false, noFiles?.message ?? "")
        XCTAssertEqual((captureError { try register("x", ["test_auc": 1], family: "../evil") } as? RungError)?.kind, .usage)
        XCTAssertEqual(try registry.versions().count, 0)
    }

    func testManualPromote() throws {
        try register("v1", ["test_auc": 0.80])
        try register("v2", ["test_auc": 0.70])
        XCTAssertEqual(try stages(), [.production, .staging])
        let promoted = try registry.promote(family: "xgboost", version: 2)
        XCTAssertEqual(promoted.stage, .production)
        XCTAssertEqual(try stages(), [.archived, .production])
        // A later registration is compared with the promoted version (0.70), not the best ever.
        try register("v3", ["test_auc": 0.75])
        XCTAssertEqual(try stages(), [.archived, .archived, .production])
        XCTAssertEqual(try registry.promote(family: "xgboost", version: 3).version, 3, "promoting production is a no-op")
        XCTAssertEqual((captureError { try registry.promote(family: "xgboost", version: 9) } as? RungError)?.kind, .badInput)
    }

    func testResolveForms() throws {
        try register("v1", ["test_auc": 0.80])
        try register("v2", ["test_auc": 0.90])
        try register("v3", ["test_auc": 0.10])
        XCTAssertEqual(try tag(in: registry.resolve("xgboost")), "v2", "bare family means production")
        XCTAssertEqual(try tag(in: registry.resolve("xgboost@production")), "v2")
        XCTAssertEqual(try tag(in: registry.resolve("xgboost@1")), "v1")
        XCTAssertEqual(try tag(in: registry.resolve("xgboost@v3")), "v3")
        XCTAssertEqual(try tag(in: registry.resolve("xgboost@latest")), "v3")
        XCTAssertEqual(try tag(in: registry.resolve("xgboost@staging")), "v3")
        XCTAssertEqual(try registry.resolve("xgboost@3").path, dir.path("artifacts/registry/xgboost/v3"))

        // Without a production version, a bare family means the newest version.
        try store.updateModelVersion({ var v = try XCTUnwrap(store.modelVersion(family: "xgboost", version: 2)); v.stage = .archived; return v }())
        XCTAssertEqual(try tag(in: registry.resolve("xgboost")), "v3")
        XCTAssertEqual((captureError { try registry.resolve("xgboost@production") } as? RungError)?.kind, .badInput)

        XCTAssertEqual((captureError { try registry.resolve("xgboost@9") } as? RungError)?.kind, .badInput)
        XCTAssertEqual((captureError { try registry.resolve("forest") } as? RungError)?.kind, .badInput)
        XCTAssertEqual((captureError { try registry.resolve("xgboost@gold") } as? RungError)?.kind, .usage)
        XCTAssertEqual((captureError { try registry.resolve("@1") } as? RungError)?.kind, .usage)
    }

    func testReadOnlyStoreResolvesWhileTheHeadHoldsTheStore() throws {
        try register("v1", ["test_auc": 0.80])
        let reader = try openStore(url: store.location, readOnly: true)
        let readOnlyRegistry = Registry(store: reader, blobs: blobs)
        XCTAssertEqual(try tag(in: readOnlyRegistry.resolve("xgboost")), "v1")
        XCTAssertEqual((captureError { try readOnlyRegistry.register(family: "xgboost", sourceDirectory: source("r"),
                                                                       metadata: metadata(["test_auc": 1])) } as? RungError)?.kind,
                       .usage)
    }

    func testCrashBeforeRecordingLeavesNoVersion() throws {
        // A crash mid-copy leaves a temporary directory; a crash after the rename but before
        // the store row leaves an unrecorded v1. Neither is a version.
        let family = dir.url.appendingPathComponent("artifacts/registry/xgboost")
        let temporary = family.appendingPathComponent(".rung-tmp-v1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        try Data("{\"half\":".utf8).write(to: temporary.appendingPathComponent("model.json"))
        let orphan = family.appendingPathComponent("v1")
        try FileManager.default.createDirectory(at: orphan, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: orphan.appendingPathComponent("model.json"))

        XCTAssertEqual(try registry.versions(family: "xgboost"), [])
        XCTAssertEqual((captureError { try registry.resolve("xgboost") } as? RungError)?.kind, .badInput)

        let version = try register("real", ["test_auc": 0.8])
        XCTAssertEqual(version.version, 1)
        XCTAssertEqual(version.stage, .production)
        let directory = try registry.resolve("xgboost@1")
        XCTAssertEqual(try tag(in: directory), "real", "the orphan was replaced")
        XCTAssertEqual(try registry.metadata(of: version).version, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: family.path), ["v1"], "the temporaries are gone")
        XCTAssertEqual(try blobs.list(prefix: "registry/").count, 3)
    }

    func testReferenceParsing() throws {
        XCTAssertEqual(try ModelReference(parsing: "xgboost"), ModelReference(family: "xgboost", selector: .preferred))
        XCTAssertEqual(try ModelReference(parsing: "xgboost@Production").selector, .production)
        XCTAssertEqual(try ModelReference(parsing: "xgboost@12").selector, .version(12))
        XCTAssertEqual(try ModelReference(parsing: "xgboost@v2").description, "xgboost@2")
        XCTAssertNotNil(captureError { try ModelReference(parsing: "xgboost@0") })
    }

    func testMetadataParamsFromTrialJSON() throws {
        let params = try ModelMetadata.params(fromJSON: #"{"max_depth":7,"eta":0.1,"penalty":"l1","on":true}"#)
        XCTAssertEqual(params, ["max_depth": .int(7), "eta": .double(0.1), "penalty": .string("l1"), "on": .bool(true)])
        XCTAssertEqual((captureError { try ModelMetadata.params(fromJSON: "[1]") } as? RungError)?.kind, .badInput)
    }
}
