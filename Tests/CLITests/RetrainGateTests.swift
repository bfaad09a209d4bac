import Foundation
import RungCore
import RungStore
import RungBlob
import XCTest

/// The nightly `retrain:` gate through `rung run`: the first night trains (no production
/// model), an undrifted batch is skipped with exit status 6, a drifted batch trains, and
/// `when: degraded` skips while production holds its AUC.
final class RetrainGateTests: XCTestCase {
    private func config(in dir: URL, retrain: String) throws -> URL {
        let url = dir.appendingPathComponent("nightly.yaml")
        try """
        name: gate-test
        seed: 7
        data: {source: raw.csv, recipe: recipe.yaml, through_batch: latest}
        metric: {name: val_auc, mode: max}
        searcher: {type: random}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 2
            epoch: {rounds: 3}
            space:
              max_depth: {type: int, low: 2, high: 4}
        register: {metric: test_auc, min_improvement: 0.002}
        retrain: \(retrain)
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func run(_ config: URL, in dir: URL, json: Bool = false) throws -> RungProcess.Result {
        try RungProcess.run(["run", config.path, "--workers", "1", "--db", "sqlite:\(dir.path)/rung.db",
                             "--artifacts", dir.appendingPathComponent("artifacts").path] + (json ? ["--json"] : []), in: dir)
    }

    private func advance(_ config: URL, in dir: URL) throws {
        let r = try RungProcess.run(["data", "advance", config.path, "--artifacts", dir.appendingPathComponent("artifacts").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testTheGateSkipsAnUndriftedBatchAndTrainsOnADriftedOne() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        // 1,200 rows: 600 initial, future batch 1 = rows 600–899, batch 2 = rows 900–1199 with `amount` shifted.
        _ = try ServeFixture.prepare(in: dir, rows: 1200, shiftFrom: 900, futureBatches: 2)
        let nightly = try config(in: dir, retrain: "{when: drift, drift_share: 0.25}")

        let first = try run(nightly, in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("retrain (drift): yes — no production model yet for xgboost"), first.stdout)

        try advance(nightly, in: dir)
        let calm = try run(nightly, in: dir)
        XCTAssertEqual(calm.status, 6, "an undrifted batch skips the sweep: \(calm.stdout)\n\(calm.stderr)")
        XCTAssertTrue(calm.stdout.contains("drift of future batch 1 against the initial train split:"), calm.stdout)
        XCTAssertTrue(calm.stdout.contains("0 of 4 columns drifted"), calm.stdout)
        XCTAssertTrue(calm.stdout.contains("retrain (drift): no — only 0 of 4 columns drifted (share 0.00 < 0.25)"), calm.stdout)
        XCTAssertTrue(calm.stdout.contains("xgboost@1 (production): test AUC"), calm.stdout)
        let json = try run(nightly, in: dir, json: true)
        XCTAssertEqual(json.status, 6)
        let decision = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stdout)
        XCTAssertEqual(decision["retrain"] as? Bool, false)
        XCTAssertEqual(decision["batch"] as? Int, 1)
        XCTAssertEqual((decision["drift"] as? [String: Any])?["drift_share"] as? Double, 0)
        XCTAssertEqual((decision["families"] as? [[String: Any]])?.first?["version"] as? Int, 1)

        try advance(nightly, in: dir)
        let drifted = try run(nightly, in: dir)
        XCTAssertEqual(drifted.status, 0, drifted.stderr)
        XCTAssertTrue(drifted.stdout.contains("retrain (drift): yes — 1 of 4 columns drifted (share 0.25 ≥ 0.25)"), drifted.stdout)
        XCTAssertTrue(drifted.stdout.contains("amount  numeric"), drifted.stdout)

        // Degraded: production keeps its AUC on batch 2 within 0.5, so no sweep.
        let degraded = try config(in: dir, retrain: "{when: degraded, max_auc_drop: 0.5}")
        let kept = try run(degraded, in: dir)
        XCTAssertEqual(kept.status, 6, kept.stdout + kept.stderr)
        XCTAssertTrue(kept.stdout.contains("retrain (degraded): no — no production model lost more than 0.5 AUC on batch 2"), kept.stdout)

        // Every decision is kept in the artifacts.
        let kept_ = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("artifacts/retrain-gate").path)
        XCTAssertEqual(kept_.count, 5, "\(kept_)")
        // … and in the store, the sweeps that ran attached to theirs.
        let store = try openStore(url: "sqlite:\(dir.path)/rung.db", readOnly: true)
        defer { store.close() }
        let results = try store.driftResults(sweepID: nil)
        XCTAssertEqual(results.map(\.retrain), [true, false, false, true, false])
        XCTAssertEqual(results.map(\.batch), [0, 1, 1, 2, 2])
        XCTAssertEqual(results.map(\.when), ["drift", "drift", "drift", "drift", "degraded"])
        XCTAssertEqual(results.map { $0.sweepID != nil }, [true, false, false, true, false])
        XCTAssertEqual(results[1].driftShare, 0)
        XCTAssertEqual(results[3].driftShare, 0.25)
        XCTAssertEqual(Set(kept_), Set(results.map { $0.key + ".json" }), "the artifacts copy is named after the stored key")
        XCTAssertEqual(try store.driftResults(sweepID: results[3].sweepID ?? -1).map(\.key), [results[3].key])
        // The report of the latest sweep (the drifted night's).
        try checkReport(in: dir)

        let bad = try config(in: dir, retrain: "{when: sometimes}")
        let refused = try run(bad, in: dir)
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("retrain.when must be always, drift or degraded"), refused.stderr)
    }

    /// `rung report` of the drifted night's sweep: the drift table the gate recorded for it,
    /// and xgboost's feature importance, each bar's value the mean |contribution| of
    /// `rung predict --explain 4` over the same validation split.
    private func checkReport(in dir: URL) throws {
        let artifacts = dir.appendingPathComponent("artifacts")
        let html = dir.appendingPathComponent("report.html")
        let report = try RungProcess.run(["report", "--out", html.path, "--db", "sqlite:\(dir.path)/rung.db", "--artifacts", artifacts.path], in: dir)
        XCTAssertEqual(report.status, 0, report.stderr)
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("<section id=\"drift\">"), "the drift table is on the page")
        XCTAssertTrue(page.contains("future batch 2 against the initial train split; rule <code>retrain.when: drift</code>. Decision: <b>retrain</b> — 1 of 4 columns drifted (share 0.25 ≥ 0.25)"), page)
        XCTAssertTrue(page.contains("1 of 4 source columns drifted (share 0.250)"), page)
        let driftRows = try XCTUnwrap(page.components(separatedBy: "<table class=\"leaderboard drift\">").dropFirst().first).components(separatedBy: "</table>")[0]
        XCTAssertTrue(driftRows.contains("<tr class=\"best\"><td>amount</td><td>numeric</td><td>ks</td>"), driftRows)
        for column in ["score", "colour", "size"] { XCTAssertTrue(driftRows.contains("<tr><td>\(column)</td>"), driftRows) }
        XCTAssertTrue(driftRows.contains("(target)"), driftRows)
        XCTAssertTrue(page.contains("xgboost@1 (production then): test AUC"), page)

        // The importance chart: which version, and the mean |contribution| of every source column.
        let figure = try XCTUnwrap(page.components(separatedBy: "<figure class=\"importance\" data-family=\"xgboost\">").dropFirst().first,
                                   "xgboost has an importance chart: \(page)")
        let caption = try XCTUnwrap(figure.range(of: #"xgboost@(\d+)"#, options: .regularExpression).map { String(figure[$0]) })
        var shown: [String: Double] = [:]
        let bar = try NSRegularExpression(pattern: #"data-column="([^"]+)" data-value="([^"]+)""#)
        for m in bar.matches(in: figure, range: NSRange(figure.startIndex..., in: figure)) {
            shown[String(figure[Range(m.range(at: 1), in: figure)!])] = Double(String(figure[Range(m.range(at: 2), in: figure)!]))
        }
        XCTAssertEqual(Set(shown.keys), ["amount", "score", "colour", "size"])
        let validation = try XCTUnwrap(FileManager.default.enumerator(atPath: artifacts.path)?.compactMap { $0 as? String }
            .first { $0.hasSuffix("through-002/validation.csv") }, "the sweep's data through batch 2")
        let explained = dir.appendingPathComponent("explained.csv")
        let predict = try RungProcess.run(["predict", "--model", caption, "--input", artifacts.appendingPathComponent(validation).path,
                                           "--explain", "4", "--out", explained.path, "--db", "sqlite:\(dir.path)/rung.db",
                                           "--artifacts", artifacts.path], in: dir)
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let lines = try String(contentsOf: explained, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try XCTUnwrap(lines.first)
        var sums: [String: Double] = [:]
        for row in lines.dropFirst() {
            for k in 1...4 {
                let column = row[header.firstIndex(of: "explain_\(k)_column")!]
                sums[column, default: 0] += abs(Double(row[header.firstIndex(of: "explain_\(k)_contribution")!])!)
            }
        }
        XCTAssertGreaterThan(lines.count, 10)
        for (column, sum) in sums {
            let mean = sum / Double(lines.count - 1)
            XCTAssertEqual(try XCTUnwrap(shown[column]), mean, accuracy: 1e-6 * max(1, mean), column)
        }
        XCTAssertTrue(page.contains("over \(lines.count - 1) validation rows"), page)
    }

    func testSweepSubmitIsGatedAndAResultTheStoreCouldNotTakeIsRecordedByTheNextGate() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        _ = try ServeFixture.prepare(in: dir, rows: 1200, shiftFrom: 900, futureBatches: 2)
        let nightly = try config(in: dir, retrain: "{when: drift, drift_share: 0.25}")
        let db = "sqlite:\(dir.path)/rung.db", artifacts = dir.appendingPathComponent("artifacts").path
        let first = try run(nightly, in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        try advance(nightly, in: dir)

        // A head holds the SQLite store, so `rung sweep submit` cannot write it: the result is
        // kept in the artifacts only.
        let endpoint = try RungProcess.freeEndpoint()
        let head = Process()
        head.executableURL = RungProcess.executable
        head.arguments = ["head", "--listen", endpoint, "--db", db, "--artifacts", artifacts]
        head.currentDirectoryURL = dir
        head.standardOutput = FileHandle.nullDevice
        head.standardError = FileHandle.nullDevice
        try head.run()
        defer { if head.isRunning { head.interrupt(); head.waitUntilExit() } }
        try waitUntil("the head answers", timeout: 30, interval: 0.2) { try RungProcess.run(["workers", "--head", endpoint]).status == 0 }
        let submit = ["sweep", "submit", nightly.path, "--head", endpoint, "--db", db, "--artifacts", artifacts]
        let calm = try RungProcess.run(submit, in: dir)
        XCTAssertEqual(calm.status, 6, "the same exit status as rung run: \(calm.stdout)\n\(calm.stderr)")
        XCTAssertTrue(calm.stdout.contains("retrain (drift): no — only 0 of 4 columns drifted (share 0.00 < 0.25)"), calm.stdout)
        XCTAssertTrue(calm.stderr.contains("cannot be written from here"), calm.stderr)
        try advance(nightly, in: dir)
        let drifted = try RungProcess.run(submit, in: dir)
        XCTAssertEqual(drifted.status, 0, drifted.stderr)
        XCTAssertTrue(drifted.stdout.contains("retrain (drift): yes — 1 of 4 columns drifted"), drifted.stdout)
        let sweepID = try XCTUnwrap(Int64(try XCTUnwrap(drifted.stdout.split(separator: "\n").last).trimmingCharacters(in: .whitespaces)), drifted.stdout)
        XCTAssertEqual(try RungProcess.run(["sweep", "cancel", String(sweepID), "--head", endpoint]).status, 0)
        head.interrupt()
        head.waitUntilExit()

        var store = try openStore(url: db, readOnly: true)
        XCTAssertEqual(try store.driftResults(sweepID: nil).count, 1, "only the first night's result reached the store")
        store.close()
        let copies = try FileManager.default.contentsOfDirectory(atPath: artifacts + "/retrain-gate")
        XCTAssertEqual(copies.count, 3, "\(copies)")

        // The next gate (here `rung run`, on the drifted batch 2) records both, and its own.
        let next = try run(nightly, in: dir)
        XCTAssertEqual(next.status, 0, next.stderr)
        store = try openStore(url: db, readOnly: true)
        defer { store.close() }
        let results = try store.driftResults(sweepID: nil)
        XCTAssertEqual(results.map(\.batch), [0, 1, 2, 2])
        XCTAssertEqual(results.map(\.retrain), [true, false, true, true])
        XCTAssertEqual(results[2].sweepID, sweepID, "the submitted sweep is attached from the artifacts copy")
        XCTAssertNil(results[1].sweepID)
        XCTAssertNotNil(results[3].sweepID)
        XCTAssertNotEqual(results[3].sweepID, sweepID)
    }

    /// A base prepared directory on S3 (moto): the gate reads the batch and the train split
    /// through the blob store, and a batch missing there is one error naming its key.
    func testTheGateReadsAnS3BaseAndNamesAMissingBatch() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let (_, _, data) = try ServeFixture.prepare(in: dir, rows: 1200, shiftFrom: 900, futureBatches: 2)
        let moto = try MotoS3(self)
        let base = "s3://\(moto.bucket)/prepared/synthetic"
        let s3 = try S3BlobStore(uri: "s3://\(moto.bucket)/prepared", environment: moto.environment)
        try s3.upload(directory: data, prefix: "synthetic")
        let url = dir.appendingPathComponent("nightly-s3.yaml")
        try """
        name: gate-s3
        seed: 7
        data: {prepared: \(base), through_batch: latest}
        metric: {name: val_auc, mode: max}
        searcher: {type: random}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 2
            epoch: {rounds: 3}
            space:
              max_depth: {type: int, low: 2, high: 4}
        retrain: {when: drift, drift_share: 0.25}
        """.write(to: url, atomically: true, encoding: .utf8)
        let artifacts = dir.appendingPathComponent("artifacts").path
        func rung(_ args: [String]) throws -> RungProcess.Result {
            try RungProcess.run(args + ["--artifacts", artifacts], in: dir, environment: moto.environment)
        }
        let run = ["run", url.path, "--workers", "1", "--db", "sqlite:\(dir.path)/rung.db"]
        let first = try rung(run)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(try rung(["data", "advance", url.path]).status, 0)
        let calm = try rung(run)
        XCTAssertEqual(calm.status, 6, calm.stdout + calm.stderr)
        XCTAssertTrue(calm.stdout.contains("retrain (drift): no — only 0 of 4 columns drifted"), calm.stdout)

        XCTAssertEqual(try rung(["data", "advance", url.path]).status, 0)
        try s3.delete("synthetic/future/batch-002.csv")
        let missing = try rung(run)
        XCTAssertEqual(missing.status, 65, missing.stdout + missing.stderr)
        XCTAssertTrue(missing.stderr.contains("the retrain gate cannot read the base prepared data: \(base)/future/batch-002.csv does not exist"), missing.stderr)
    }
}
