import Foundation
import RungCore
import RungBlob
import RungStore
import RungArtifacts
import XCTest

/// The nightly routine through the real command line: `rung data advance` adds the next
/// future batch, `rung run` warm-starts every family from its production parameters, and a
/// model that is not better stays in staging.
final class NightlyTests: XCTestCase {
    /// A 400-row table whose outcome depends on x (noisily) and a recipe splitting it into an
    /// initial 200 rows (120/40/40) and two future batches of 100 rows.
    private func dataset(in dir: URL) throws {
        var csv = "id,x,z,colour,outcome\n"
        var state: UInt64 = 12_345
        for i in 0..<400 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Double(state >> 33) / Double(1 << 31)
            let x = Double(i % 50) / 50
            let z = Double((i * 7) % 13) / 13
            csv += "\(i),\(x),\(z),\(["red", "blue", "green"][i % 3]),\(x + 0.6 * noise > 0.8 ? "yes" : "no")\n"
        }
        try csv.write(to: dir.appendingPathComponent("rows.csv"), atomically: true, encoding: .utf8)
        try """
        name: synthetic
        id_columns: [id]
        target: {name: y, from: outcome, negative: ["no"]}
        split: {initial_fraction: 0.5, train: 0.6, validation: 0.2, future_batches: 2}
        """.write(to: dir.appendingPathComponent("recipe.yaml"), atomically: true, encoding: .utf8)
    }

    /// A nightly config with `trials` xgboost trials; `throughBatch` adds `data.through_batch`.
    /// Each night uses another seed, so its searcher's own first suggestion differs from the
    /// previous night's.
    private func config(in dir: URL, trials: Int, throughBatch: String? = nil, seed: Int) throws -> URL {
        let url = dir.appendingPathComponent("nightly.yaml")
        try """
        name: nightly-test
        seed: \(seed)
        warm_start: production
        data: {source: rows.csv, recipe: recipe.yaml\(throughBatch.map { ", through_batch: \($0)" } ?? "")}
        metric: {name: val_auc, mode: max}
        searcher: {type: tpe, startup_trials: 2}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: \(trials)
            epoch: {rounds: 3}
            space:
              max_depth: {type: int, low: 2, high: 6}
              learning_rate: {type: loguniform, low: 0.05, high: 0.5}
        register: {metric: test_auc, min_improvement: 0.002}
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func run(_ config: URL, in dir: URL) throws {
        let r = try RungProcess.run(["run", config.path, "--workers", "1", "--db", "sqlite:\(dir.path)/rung.db",
                                     "--artifacts", dir.appendingPathComponent("artifacts").path, "--json"], in: dir)
        XCTAssertEqual(r.status, 0, "rung run failed: \(r.stderr)")
    }

    private func advance(_ config: URL, in dir: URL) throws -> [String: Any] {
        let r = try RungProcess.run(["data", "advance", config.path, "--artifacts", dir.appendingPathComponent("artifacts").path,
                                     "--json"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
    }

    private func openStore(_ dir: URL) throws -> any Store {
        try RungStore.openStore(url: "sqlite:\(dir.path)/rung.db", readOnly: true)
    }

    /// The parameters trial `number` of `sweep` ran with, without the epoch settings.
    private func params(_ store: any Store, sweep: Int64, number: Int) throws -> [String: ModelMetadata.Value] {
        let trial = try XCTUnwrap(try store.trials(sweepID: sweep, family: "xgboost").first { $0.number == number })
        return try ModelMetadata.params(fromJSON: trial.paramsJSON).filter { $0.key != "rounds" }
    }

    /// The registered parameters of `version`, without the epoch settings.
    private func params(of version: ModelVersion, _ store: any Store, _ dir: URL) throws -> [String: ModelMetadata.Value] {
        let registry = Registry(store: store, blobs: try openBlobStore(uri: dir.appendingPathComponent("artifacts").path))
        return try registry.metadata(of: version).params.filter { $0.key != "rounds" }
    }

    func testASecondRunStartsFromProductionAndIsNotPromotedWithoutImprovement() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        try dataset(in: dir)
        try run(try config(in: dir, trials: 3, seed: 3), in: dir)
        var store = try openStore(dir)
        let first = try XCTUnwrap(try store.sweeps().last)
        XCTAssertEqual(first.status, .finished, first.message ?? "")
        XCTAssertEqual(try store.trials(sweepID: first.id).count, 3, "no production version yet: three suggested trials")
        let v1 = try XCTUnwrap(try store.productionVersion(family: "xgboost"))
        XCTAssertEqual(v1.version, 1)
        let productionParams = try params(of: v1, store, dir)
        store.close()

        // Night two, same data, a budget of one trial: the production parameters themselves.
        try run(try config(in: dir, trials: 1, seed: 4), in: dir)
        store = try openStore(dir)
        defer { store.close() }
        let second = try XCTUnwrap(try store.sweeps().last)
        XCTAssertNotEqual(second.id, first.id)
        XCTAssertEqual(second.status, .finished, second.message ?? "")
        XCTAssertEqual(try store.trials(sweepID: second.id).count, 1, "the warm-start trial counts toward the budget")
        XCTAssertEqual(try params(store, sweep: second.id, number: 0), productionParams)

        let versions = try store.modelVersions(family: "xgboost")
        XCTAssertEqual(versions.map(\.version), [1, 2])
        XCTAssertEqual(versions.map(\.stage), [.production, .staging], "the same model again is no improvement of 0.002")
        XCTAssertEqual(versions[1].metrics["test_auc"], versions[0].metrics["test_auc"],
                       "the same parameters on the same data train the same model")
        XCTAssertEqual(try store.productionVersion(family: "xgboost")?.version, 1)
    }

    func testEachNightAddsTheNextBatchAndChangesTheDataVersion() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        try dataset(in: dir)
        var config = try config(in: dir, trials: 2, throughBatch: "latest", seed: 3)

        let night1 = try advance(config, in: dir)
        XCTAssertEqual(night1["through_batch"] as? Int, 1)
        XCTAssertEqual(night1["train_rows"] as? Int, 220, "120 initial train rows + batch 1 (100 rows)")
        try run(config, in: dir)
        var store = try openStore(dir)
        let sweep1 = try XCTUnwrap(try store.sweeps().last)
        XCTAssertEqual(sweep1.dataVersion, night1["data_version"] as? String)
        let production = try XCTUnwrap(try store.productionVersion(family: "xgboost"))
        let productionParams = try params(of: production, store, dir)
        store.close()

        config = try self.config(in: dir, trials: 2, throughBatch: "latest", seed: 4)
        let night2 = try advance(config, in: dir)
        XCTAssertEqual(night2["through_batch"] as? Int, 2)
        XCTAssertEqual(night2["train_rows"] as? Int, 320)
        XCTAssertEqual(night2["base_data_version"] as? String, night1["base_data_version"] as? String)
        XCTAssertNotEqual(night2["data_version"] as? String, night1["data_version"] as? String)
        try run(config, in: dir)
        store = try openStore(dir)
        defer { store.close() }
        let sweep2 = try XCTUnwrap(try store.sweeps().last)
        XCTAssertNotEqual(sweep2.id, sweep1.id)
        XCTAssertEqual(sweep2.dataVersion, night2["data_version"] as? String)
        XCTAssertEqual(try params(store, sweep: sweep2.id, number: 0), productionParams,
                       "night two's first trial re-evaluates night one's production model on the new data")

        // Every batch is in: the next advance changes nothing and still succeeds.
        let night3 = try advance(config, in: dir)
        XCTAssertEqual(night3["through_batch"] as? Int, 2)
        XCTAssertEqual(night3["advanced"] as? Bool, false)
        XCTAssertEqual(night3["data_version"] as? String, night2["data_version"] as? String)
        let text = try RungProcess.run(["data", "advance", config.path, "--artifacts", dir.appendingPathComponent("artifacts").path],
                                       in: dir)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("all 2 future batches are already in the training data"), text.stdout)
    }

    /// `rung data advance --artifacts s3://…` against a real (moto) S3 server: the state and
    /// the data go to S3, with the data versions of local artifacts.
    func testAdvanceWithS3Artifacts() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        try dataset(in: dir)
        let config = try config(in: dir, trials: 2, throughBatch: "latest", seed: 3)
        let localNight = try advance(config, in: dir)

        let moto = try MotoS3(self)
        let artifacts = "s3://\(moto.bucket)/nightly"
        func advanceS3(_ extra: [String] = ["--json"]) throws -> RungProcess.Result {
            try RungProcess.run(["data", "advance", config.path, "--artifacts", artifacts] + extra, in: dir, environment: moto.environment)
        }
        let first = try advanceS3()
        XCTAssertEqual(first.status, 0, first.stderr)
        let night1 = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any], first.stdout)
        let base = try XCTUnwrap(night1["base_data_version"] as? String)
        XCTAssertEqual(base, localNight["base_data_version"] as? String)
        XCTAssertEqual(night1["through_batch"] as? Int, 1)
        XCTAssertEqual(night1["train_rows"] as? Int, 220)
        XCTAssertEqual(night1["data_version"] as? String, localNight["data_version"] as? String,
                       "S3 artifacts give the data version of local artifacts")
        XCTAssertEqual(night1["directory"] as? String, "\(artifacts)/data/cumulative/\(base)/through-001")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".rung").path), "nothing is written locally")

        let store = try S3BlobStore(uri: artifacts, environment: moto.environment)
        let stateFile = dir.appendingPathComponent("latest.json")
        try store.get("data/cumulative/\(base)/latest.json", to: stateFile)
        let state = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: stateFile)) as? [String: Any])
        XCTAssertEqual(state["through_batch"] as? Int, 1)
        XCTAssertEqual(state["future_batches"] as? Int, 2)
        XCTAssertTrue(try store.exists("data/cumulative/\(base)/through-001/train.csv"))

        let second = try advanceS3([])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("future batches 1–2 of 2: 320 train rows"), second.stdout)
        XCTAssertTrue(second.stdout.contains("\(artifacts)/data/cumulative/\(base)/through-002"), second.stdout)
        let third = try advanceS3([])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(third.stdout.contains("all 2 future batches are already in the training data"), third.stdout)
        let back = try advanceS3(["--to", "1", "--json"])
        XCTAssertEqual(back.status, 0, back.stderr)
        let night = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(back.stdout.utf8)) as? [String: Any], back.stdout)
        XCTAssertEqual(night["data_version"] as? String, night1["data_version"] as? String, "--to 1 goes back to the uploaded data")

        let help = try RungProcess.run(["data", "advance", "--help"])
        XCTAssertEqual(help.status, 0, help.stderr)
        let options = try XCTUnwrap(help.stdout.range(of: "--artifacts <LOCATION>  ").map { help.stdout[$0.upperBound...] }, help.stdout)
        XCTAssertTrue(options.prefix(300).contains("s3://bucket/prefix"), "the --artifacts help mentions S3: \(help.stdout)")
    }

    func testPrepareThroughABatchAndBadArguments() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        try dataset(in: dir)
        let out = dir.appendingPathComponent("k1")
        let r = try RungProcess.run(["data", "prepare", "--source", dir.appendingPathComponent("rows.csv").path,
                                     "--recipe", dir.appendingPathComponent("recipe.yaml").path, "--out", out.path,
                                     "--through-batch", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("the initial 120 rows + future batches 1–1 of 2"), r.stdout)
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any])
        let cumulative = try XCTUnwrap(manifest["cumulative"] as? [String: Any])
        XCTAssertEqual(cumulative["through_batch"] as? Int, 1)

        let tooFar = try RungProcess.run(["data", "prepare", "--source", dir.appendingPathComponent("rows.csv").path,
                                          "--recipe", dir.appendingPathComponent("recipe.yaml").path,
                                          "--out", dir.appendingPathComponent("k3").path, "--through-batch", "3"])
        XCTAssertEqual(tooFar.status, 64, tooFar.stderr)
        XCTAssertTrue(tooFar.stderr.contains("through batch 3"), tooFar.stderr)
        let negative = try RungProcess.run(["data", "advance", "nightly.yaml", "--by", "0"], in: dir)
        XCTAssertEqual(negative.status, 64, negative.stderr)
    }
}
