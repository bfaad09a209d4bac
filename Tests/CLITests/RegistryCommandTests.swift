import Foundation
import RungCore
import RungBlob
import RungStore
import RungArtifacts
import XCTest

/// `rung registry` and `rung predict --model FAMILY@…` over real models: the real dataset is
/// prepared once, two small xgboost models are trained with `rung train --save`, and each
/// test registers them into its own store and artifacts directory with `Registry`.
final class RegistryCommandTests: XCTestCase {
    /// A trained model directory and what `rung train --json` reported about it.
    struct TrainedModel {
        var directory: URL
        var params: String
        var metrics: [String: Double]
        var dataVersion: String
    }

    nonisolated(unsafe) private static var scratch: URL?
    nonisolated(unsafe) private static var models: [TrainedModel] = []

    override class func tearDown() {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
        super.tearDown()
    }

    /// Prepares the data and trains the two models once for the class.
    private func trainedModels() throws -> [TrainedModel] {
        if !Self.models.isEmpty { return Self.models }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rung-registry-\(UUID().uuidString)")
        Self.scratch = scratch
        let data = scratch.appendingPathComponent("data")
        let prepare = try RungProcess.run(["data", "prepare", "--source", "uci-diabetes-130",
                                           "--recipe", RungProcess.packageRoot.appendingPathComponent("Config/datasets/diabetes.yaml").path,
                                           "--out", data.path, "--json"])
        XCTAssertEqual(prepare.status, 0, prepare.stderr)
        var models: [TrainedModel] = []
        for (index, params) in [#"{"max_depth": 2, "learning_rate": 0.05}"#, #"{"max_depth": 6, "learning_rate": 0.3}"#].enumerated() {
            let directory = scratch.appendingPathComponent("model\(index + 1)")
            let train = try RungProcess.run(["train", "--family", "xgboost", "--params", params, "--data", data.path,
                                             "--epochs", "1", "--save", directory.path, "--json"])
            XCTAssertEqual(train.status, 0, train.stderr)
            let report = try jsonObject(train.stdout)
            let epochs = try XCTUnwrap(report["epochs"] as? [[String: Any]])
            var metrics = try XCTUnwrap(epochs.last?["metrics"] as? [String: Double])
            metrics.merge(try XCTUnwrap(report["test"] as? [String: Double])) { a, _ in a }
            models.append(TrainedModel(directory: directory, params: params, metrics: metrics,
                                       dataVersion: try XCTUnwrap(report["data_version"] as? String)))
        }
        Self.models = models
        return models
    }

    /// The prepared test split (the input predictions are checked on).
    private var testSplit: URL { Self.scratch!.appendingPathComponent("data/test.csv") }

    /// A store with sweep 1 whose trial 1 produced xgboost v1 (production) and trial 2
    /// produced xgboost v2 (staging: the policy demands an impossible improvement).
    private func registeredFixture() throws -> StoreFixture {
        let models = try trainedModels()
        let fixture = try StoreFixture(self)
        let store = try fixture.open()
        defer { store.close() }
        let sweep = try store.createSweep(SweepRecord(
            name: "nightly", configYAML: SweepRows.config(name: "nightly", metric: "val_auc", mode: "max", families: ["xgboost": 2]),
            seed: 42, status: .finished, createdAt: Date().addingTimeInterval(-300), finishedAt: Date()))
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 2))
        let registry = Registry(store: store, blobs: try openBlobStore(uri: fixture.artifacts.path))
        for (index, model) in models.enumerated() {
            let trial = try SweepRows.addTrial(store, sweep: sweep.id, family: "xgboost", number: index + 1, status: .finished,
                                                  metric: "val_auc", values: [model.metrics["val_auc"]!], worker: "w1")
            let metadata = ModelMetadata(family: "xgboost", params: try ModelMetadata.params(fromJSON: model.params), seed: 42,
                                         metrics: model.metrics, dataVersion: model.dataVersion, sweepID: sweep.id, trialID: trial.id)
            _ = try registry.register(family: "xgboost", sourceDirectory: model.directory, metadata: metadata,
                                      policy: PromotionPolicy(metric: "test_auc", minImprovement: 1.0))
        }
        return fixture
    }

    private func predict(_ model: String, _ fixture: StoreFixture, extra: [String] = []) throws -> RungProcess.Result {
        try RungProcess.run(fixture.args(["predict", "--model", model, "--input", testSplit.path] + extra))
    }

    func testListAndShowVersionsWithTheirMetadata() throws {
        let fixture = try registeredFixture()
        let models = try trainedModels()
        let ls = try RungProcess.run(fixture.args(["registry", "ls"]))
        XCTAssertEqual(ls.status, 0, ls.stderr)
        let rows = ls.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows.count, 3, ls.stdout)
        XCTAssertEqual(rows[0].prefix(5), ["MODEL", "STAGE", "SWEEP", "TRIAL", "METRICS"])
        XCTAssertEqual(rows[1].prefix(4), ["xgboost@1", "production", "1", "1"])
        XCTAssertEqual(rows[2].prefix(4), ["xgboost@2", "staging", "1", "2"])
        XCTAssertTrue(rows[1].contains("test_auc=" + String(format: "%.4f", models[0].metrics["test_auc"]!)), ls.stdout)

        let json = try jsonObject(RungProcess.run(fixture.args(["registry", "ls", "--json"])).stdout)
        let versions = try XCTUnwrap(json["versions"] as? [[String: Any]])
        XCTAssertEqual(versions.map { $0["stage"] as? String }, ["production", "staging"])
        XCTAssertEqual(versions[1]["trial_id"] as? Int, 2)
        XCTAssertEqual((versions[1]["metrics"] as? [String: Double])?["val_auc"], models[1].metrics["val_auc"])

        let other = try RungProcess.run(fixture.args(["registry", "ls", "--family", "random_forest"]))
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stdout.hasPrefix("no registered versions of random_forest"), other.stdout)

        let show = try RungProcess.run(fixture.args(["registry", "show", "xgboost@v2", "--json"]))
        XCTAssertEqual(show.status, 0, show.stderr)
        let document = try jsonObject(show.stdout)
        XCTAssertEqual((document["version"] as? [String: Any])?["stage"] as? String, "staging")
        let metadata = try XCTUnwrap(document["metadata"] as? [String: Any])
        XCTAssertEqual(metadata["params"] as? [String: Double], ["max_depth": 6, "learning_rate": 0.3])
        XCTAssertEqual(metadata["data_version"] as? String, models[1].dataVersion)
        XCTAssertEqual(metadata["sweep_id"] as? Int, 1)
        XCTAssertEqual(metadata["trial_id"] as? Int, 2)
        XCTAssertEqual((metadata["metrics"] as? [String: Double])?["test_auc"], models[1].metrics["test_auc"])
        let directory = try XCTUnwrap(document["directory"] as? String)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/model.json"), directory)

        let text = try RungProcess.run(fixture.args(["registry", "show", "xgboost"]))
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("xgboost@1  production"), "the plain family means production: \(text.stdout)")
        XCTAssertTrue(text.stdout.contains("data version: \(models[0].dataVersion)"), text.stdout)
        XCTAssertTrue(text.stdout.contains("params:       learning_rate=0.05 max_depth=2"), text.stdout)

        let missing = try RungProcess.run(fixture.args(["registry", "show", "xgboost@7"]))
        XCTAssertEqual(missing.status, 65)
        XCTAssertTrue(missing.stderr.contains("xgboost@7"), missing.stderr)

        // sweep show lists the versions the sweep registered.
        let sweep = try jsonObject(RungProcess.run(fixture.args(["sweep", "show", "1", "--json"])).stdout)
        let family = try XCTUnwrap((sweep["families"] as? [[String: Any]])?.first)
        XCTAssertEqual((family["registered"] as? [[String: Any]])?.map { $0["version"] as? Int }, [1, 2])
        let sweepText = try RungProcess.run(fixture.args(["sweep", "show", "1"])).stdout
        XCTAssertTrue(sweepText.contains("registered: xgboost@1 (production, trial 1), xgboost@2 (staging, trial 2)"), sweepText)
    }

    func testPredictWithARegistryReferenceFollowsPromotion() throws {
        let fixture = try registeredFixture()
        let models = try trainedModels()
        let direct1 = try RungProcess.run(["predict", "--model", models[0].directory.path, "--input", testSplit.path])
        let direct2 = try RungProcess.run(["predict", "--model", models[1].directory.path, "--input", testSplit.path])
        XCTAssertEqual(direct1.status, 0, direct1.stderr)
        XCTAssertNotEqual(direct1.stdout, direct2.stdout, "the two models predict differently")

        let production = try predict("xgboost@production", fixture)
        XCTAssertEqual(production.status, 0, production.stderr)
        XCTAssertEqual(production.stdout, direct1.stdout)
        XCTAssertEqual(try predict("xgboost@staging", fixture).stdout, direct2.stdout)
        XCTAssertEqual(try predict("xgboost@latest", fixture).stdout, direct2.stdout)
        XCTAssertEqual(try predict("xgboost@1", fixture).stdout, direct1.stdout)

        let promote = try RungProcess.run(fixture.args(["registry", "promote", "xgboost@2"]))
        XCTAssertEqual(promote.status, 0, promote.stderr)
        XCTAssertEqual(promote.stdout, "xgboost@2 is now production; xgboost@1 is archived\n")
        let stages = try jsonObject(RungProcess.run(fixture.args(["registry", "ls", "--json"])).stdout)
        XCTAssertEqual((stages["versions"] as? [[String: Any]])?.map { $0["stage"] as? String }, ["archived", "production"])

        XCTAssertEqual(try predict("xgboost@production", fixture).stdout, direct2.stdout)
        XCTAssertEqual(try predict("xgboost", fixture).stdout, direct2.stdout)
        let noStaging = try predict("xgboost@staging", fixture)
        XCTAssertEqual(noStaging.status, 65)
        XCTAssertTrue(noStaging.stderr.contains("xgboost@staging"), noStaging.stderr)

        let again = try RungProcess.run(fixture.args(["registry", "promote", "xgboost@v2", "--json"]))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try jsonObject(again.stdout)["changed"] as? Bool, false)
    }

    func testAnExistingDirectoryWinsOverAReferenceOfTheSameName() throws {
        let fixture = try registeredFixture()
        let models = try trainedModels()
        let cwd = try RungProcess.temporaryDirectory(self)
        try FileManager.default.copyItem(at: models[1].directory, to: cwd.appendingPathComponent("xgboost"))
        let direct2 = try RungProcess.run(["predict", "--model", models[1].directory.path, "--input", testSplit.path])
        let local = try RungProcess.run(fixture.args(["predict", "--model", "xgboost", "--input", testSplit.path]), in: cwd)
        XCTAssertEqual(local.status, 0, local.stderr)
        XCTAssertEqual(local.stdout, direct2.stdout, "./xgboost (model 2) is used, not the registry's production (model 1)")
    }

    func testPromotionErrors() throws {
        let fixture = try registeredFixture()
        let unknown = try RungProcess.run(fixture.args(["registry", "promote", "xgboost@9"]))
        XCTAssertEqual(unknown.status, 65)
        XCTAssertTrue(unknown.stderr.contains("xgboost@9"), unknown.stderr)
        let plain = try RungProcess.run(fixture.args(["registry", "promote", "xgboost"]))
        XCTAssertEqual(plain.status, 64)
        XCTAssertTrue(plain.stderr.contains("xgboost@"), plain.stderr)
        let badVersion = try RungProcess.run(fixture.args(["registry", "promote", "xgboost@best"]))
        XCTAssertEqual(badVersion.status, 64)

        // A head holding the writer lock: promotion is refused with a hint, nothing changes.
        let head = try fixture.open()
        let locked = try RungProcess.run(fixture.args(["registry", "promote", "xgboost@2"]))
        XCTAssertEqual(locked.status, 69)
        XCTAssertTrue(locked.stderr.contains("in use by another head (pid \(getpid()))"), locked.stderr)
        XCTAssertTrue(locked.stderr.contains("stop the head first"), locked.stderr)
        XCTAssertEqual(locked.stderr.split(separator: "\n").count, 1, locked.stderr)
        XCTAssertEqual(try head.productionVersion(family: "xgboost")?.version, 1)
        head.close()
        XCTAssertEqual(try RungProcess.run(fixture.args(["registry", "promote", "xgboost@2"])).status, 0)
    }

    func testMissingStoreForRegistryCommandsAndPredict() throws {
        let fixture = try StoreFixture(self)
        let ls = try RungProcess.run(fixture.args(["registry", "ls"]))
        XCTAssertEqual(ls.status, 0, ls.stderr)
        XCTAssertTrue(ls.stdout.hasPrefix("no registered models yet"), ls.stdout)
        let show = try RungProcess.run(fixture.args(["registry", "show", "xgboost@production"]))
        XCTAssertEqual(show.status, 65)
        let promote = try RungProcess.run(fixture.args(["registry", "promote", "xgboost@1"]))
        XCTAssertEqual(promote.status, 65)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.databasePath), "promotion never creates a store")
        let predict = try RungProcess.run(fixture.args(["predict", "--model", "xgboost@production", "--input", "whatever.csv"]))
        XCTAssertEqual(predict.status, 65)
        XCTAssertTrue(predict.stderr.contains("xgboost@production") && predict.stderr.contains("does not exist"), predict.stderr)
    }
}
