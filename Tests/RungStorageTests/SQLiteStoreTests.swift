import CSQLite
import Foundation
import RungCore
@testable import RungStore
import XCTest

final class SQLiteStoreTests: XCTestCase {
    /// A timestamp with a fraction that survives the seconds-since-1970 column exactly.
    private func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_790_000_000 + seconds) }

    private func fixture() throws -> StoreFixture {
        let dir = try TemporaryDirectory()
        return StoreFixture(url: "sqlite:" + dir.path("rung.db"), keepAlive: dir)
    }

    private func makeSweep(_ store: SQLiteStore, name: String = "sweep", status: SweepRecord.Status = .running) throws -> SweepRecord {
        try store.createSweep(SweepRecord(name: name, configYAML: "name: \(name)\n", seed: 42, status: status, createdAt: at(0)))
    }

    // MARK: - Opening and migrations

    func testMigratesEmptyStoreAndReopensIdempotently() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("nested/dirs/rung.db")
        var store: SQLiteStore? = try SQLiteStore(url: "sqlite:" + path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "the parent directories and the file are created")
        XCTAssertEqual(try store!.schemaVersion(), SQLiteStore.latestSchemaVersion)
        let sweep = try makeSweep(store!)
        store = nil

        let reopened = try SQLiteStore(url: "sqlite:" + path)
        XCTAssertEqual(try reopened.schemaVersion(), SQLiteStore.latestSchemaVersion)
        XCTAssertEqual(try reopened.sweep(id: sweep.id), sweep)
        let applied = try reopened.db.query("SELECT version, name FROM schema_migrations ORDER BY version",
                                            purpose: "test") { "\($0.int64(0)):\($0.text(1))" }
        XCTAssertEqual(applied.count, SQLSchema.migrations.count, "each migration is recorded once: \(applied)")
        let journal = try reopened.db.query("PRAGMA journal_mode", purpose: "test") { $0.text(0) }
        XCTAssertEqual(journal, ["wal"])
        let foreignKeys = try reopened.db.query("PRAGMA foreign_keys", purpose: "test") { $0.int64(0) }
        XCTAssertEqual(foreignKeys, [1])
    }

    func testOpensAStoreWrittenByEarlierRungWithTheSameSchema() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.db")
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sqlite-store-2cc2398.sql")
        do {
            let db = try SQLiteDatabase(path: path, readOnly: false)
            try db.execute(try String(contentsOf: fixture, encoding: .utf8), purpose: "load the fixture")
            // A sweep that was running: heads before schema 3 kept its data only in the message.
            try db.execute("INSERT INTO sweeps VALUES(2,'running-one','name: r',1,'running',NULL,1.0,NULL,'data /srv/prepared/x')",
                           purpose: "add a running sweep")
            db.close()
        }
        let store = try SQLiteStore(path: path)
        XCTAssertEqual(try store.schemaVersion(), SQLiteStore.latestSchemaVersion)
        XCTAssertEqual(try store.sweep(id: 2)?.dataURI, "/srv/prepared/x", "migration 3 copies the data location out of the message")
        let sweep = try XCTUnwrap(try store.sweep(id: 1))
        XCTAssertEqual(sweep.configYAML, "name: storebench\n")
        XCTAssertEqual(sweep.status, .finished)
        XCTAssertNil(sweep.dataURI, "the old sweep's message did not name its data, so migration 3 has nothing to copy")
        let trials = try store.trials(sweepID: 1)
        XCTAssertEqual(trials.map(\.number), [1, 2])
        XCTAssertEqual(trials.last?.finalMetrics?["test_auc"], 0.69)
        XCTAssertEqual(trials.map(\.suggestionFit), [nil, nil], "migration 5: trials written before have no suggestion fit")
        XCTAssertEqual(try store.epochs(sweepID: 1, family: "xgboost").map(\.epoch), [1, 2, 1, 2])
        XCTAssertEqual(try store.worker(name: "w0")?.status, .active)
        XCTAssertEqual(try store.productionVersion(family: "xgboost")?.trialID, 2)

        // New rows continue the old ids, and the schema is exactly the one a new store gets.
        XCTAssertEqual(try store.createSweep(SweepRecord(name: "next", configYAML: "", seed: 1)).id, 3)
        XCTAssertEqual(try store.createModelVersion(ModelVersion(family: "xgboost", stage: .staging, uri: "file:///r/2")).version, 2)
        let fresh = try SQLiteStore(path: dir.path("fresh.db"))
        let schema = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite%' ORDER BY name"
        let describe: (SQLiteDatabase.Row) -> String = { "\($0.text(0)) \($0.text(1)): \($0.text(2))" }
        let oldSchema = try store.db.query(schema, purpose: "test", describe)
        XCTAssertEqual(oldSchema.count, 13, "9 tables and 4 indexes: \(oldSchema)")
        XCTAssertEqual(oldSchema, try fresh.db.query(schema, purpose: "test", describe))
    }

    func testNewerSchemaIsAClearError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("rung.db")
        do {
            let store = try SQLiteStore(path: path)
            try store.db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 0)",
                             [.int(SQLiteStore.latestSchemaVersion + 5)], purpose: "test")
        }
        for readOnly in [false, true] {
            let error = captureError { try SQLiteStore(path: path, readOnly: readOnly) } as? RungError
            XCTAssertEqual(error?.kind, .unavailable)
            XCTAssertTrue(error?.message.contains(path) ?? false, error?.message ?? "")
            XCTAssertTrue(error?.message.contains("schema version \(SQLiteStore.latestSchemaVersion + 5)") ?? false,
                          error?.message ?? "")
        }
    }

    func testGarbageFileIsAClearError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("rung.db")
        try Data(String(repeating: "this is not a database. ", count: 400).utf8).write(to: URL(fileURLWithPath: path))
        for readOnly in [false, true] {
            let error = captureError { try SQLiteStore(path: path, readOnly: readOnly) } as? RungError
            XCTAssertEqual(error?.kind, .badInput, "read-only \(readOnly)")
            XCTAssertTrue(error?.message.contains("store sqlite:\(path) is not a SQLite database or is corrupted") ?? false,
                          error?.message ?? "")
        }
    }

    func testCorruptedPagesAreAClearError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("rung.db")
        do {
            let store = try SQLiteStore(path: path)
            let sweep = try makeSweep(store)
            _ = try store.createSweep(SweepRecord(name: String(repeating: "x", count: 20_000), configYAML: "", seed: 1))
            XCTAssertNotNil(try store.sweep(id: sweep.id))
        }
        // Keep the 100-byte header valid and overwrite the rest of every page with noise.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertGreaterThan(bytes.count, 4096)
        var generator = SystemRandomNumberGenerator()
        for index in 100..<bytes.count { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = captureError { () -> Int in
            let store = try SQLiteStore(path: path)
            return try store.sweeps().count
        } as? RungError
        XCTAssertNotNil(error)
        XCTAssertTrue(error?.message.contains(path) ?? false, error?.message ?? "")
        XCTAssertEqual(error?.kind, .badInput, error?.message ?? "")
    }

    func testWriterInAnotherProcessIsNamedByPid() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else {
            throw XCTSkip("util-linux flock(1) is not installed")
        }
        let dir = try TemporaryDirectory()
        let path = dir.path("rung.db")
        do { _ = try SQLiteStore(path: path) }   // create the store, then let it go
        // Another process holds the writer lock the way a head does: flock plus its pid.
        // The shell takes the lock on fd 9 and then becomes `sleep`, keeping pid and lock.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "exec 9>>\"$0\"; flock -n 9 || exit 3; echo $$ > \"$0\"; echo ready; exec sleep 30",
                            path + ".lock"]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        defer { if holder.isRunning { holder.terminate() }; holder.waitUntilExit() }
        let ready = output.fileHandleForReading.availableData
        XCTAssertEqual(String(decoding: ready, as: UTF8.self), "ready\n")
        let pid = try String(contentsOfFile: path + ".lock", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(pid, "\(holder.processIdentifier)")

        let error = captureError { try SQLiteStore(path: path) } as? RungError
        XCTAssertEqual(error?.message, "store sqlite:\(path) is in use by another head (pid \(pid)); stop it or open the store read-only")
        XCTAssertEqual(error?.exitCode, 69)
        XCTAssertNoThrow(try SQLiteStore(path: path, readOnly: true))

        holder.terminate()
        holder.waitUntilExit()
        XCTAssertNoThrow(try SQLiteStore(path: path), "the lock dies with its process")
    }

    func testReadOnlyOpenOfMissingStoreFails() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("absent/rung.db")
        let error = captureError { try SQLiteStore(path: path, readOnly: true) } as? RungError
        XCTAssertEqual(error?.kind, .badInput)
        XCTAssertTrue(error?.message.contains(path) ?? false)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "a read-only open creates nothing")
    }

    // MARK: - Records round-trip

    func testSweepRoundTripWithUnicodeAndUpdate() throws { try StoreContract.sweepRoundTripWithUnicodeAndUpdate(fixture()) }

    func testArbitraryDatesSurviveToTheMicrosecond() throws { try StoreContract.arbitraryDatesSurviveToTheMicrosecond(fixture()) }

    func testStudyAndTrialRoundTrip() throws { try StoreContract.studyAndTrialRoundTrip(fixture()) }

    func testAGivenTrialIDIsKeptAndTheLargestIsReported() throws { try StoreContract.aGivenTrialIDIsKeptAndTheLargestIsReported(fixture()) }

    func testRestartQueryFindsUnfinishedTrialsOfLiveSweeps() throws { try StoreContract.restartQueryFindsUnfinishedTrialsOfLiveSweeps(fixture()) }

    func testEpochsRoundTripWithNaNAndAreIdempotent() throws { try StoreContract.epochsRoundTripWithNaNAndAreIdempotent(fixture()) }

    func testFiftyThousandEpochsInOneBatch() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        let sweep = try makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 500))
        let trials = try store.transaction {
            try (1...500).map {
                try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: $0, paramsJSON: "{}", seed: UInt64($0)))
            }
        }
        var batch: [EpochRecord] = []
        batch.reserveCapacity(50_000)
        for trial in trials {
            for epoch in 1...100 {
                batch.append(EpochRecord(trialID: trial.id, epoch: epoch, seconds: 0.01 * Double(epoch),
                                         metrics: ["val_auc": 0.5 + Double(epoch) / 1000, "val_logloss": 0.6,
                                                   "train_auc": 0.7], recordedAt: at(Double(epoch))))
            }
        }
        let start = Date()
        let inserted = try store.recordEpochs(batch)
        let elapsed = Date().timeIntervalSince(start)
        print("recordEpochs: 50,000 epoch results in one transaction took \(String(format: "%.3f", elapsed)) s (\(Int(50_000 / elapsed)) per second)")
        XCTAssertEqual(inserted, 50_000)
        let again = Date()
        XCTAssertEqual(try store.recordEpochs(batch), 0)
        print("recordEpochs: re-sending the same 50,000 took \(String(format: "%.3f", Date().timeIntervalSince(again))) s")
        XCTAssertEqual(try store.epochs(sweepID: sweep.id, family: "xgboost").count, 50_000)
        XCTAssertEqual(try store.epochs(trialID: trials[123].id).map(\.epoch), Array(1...100))

        // Each unbatched write is its own durable commit (synchronous=FULL): measure them too.
        let single = Date()
        for var trial in trials {
            trial.status = .running
            try store.updateTrial(trial)
        }
        let perCommit = Date().timeIntervalSince(single) / Double(trials.count)
        print("updateTrial: \(trials.count) separate commits took \(String(format: "%.3f", perCommit * 1000)) ms each")
        XCTAssertEqual(try store.trials(matching: TrialQuery(statuses: [.running])).count, trials.count)
        store.close()

        let relaxed = try SQLiteStore(path: dir.path("rung.db"), durability: .normal)
        let normalStart = Date()
        for var trial in trials {
            trial.status = .paused
            try relaxed.updateTrial(trial)
        }
        let perNormal = Date().timeIntervalSince(normalStart) / Double(trials.count)
        print("updateTrial with durability .normal: \(String(format: "%.3f", perNormal * 1000)) ms each")
        XCTAssertEqual(try relaxed.trials(matching: TrialQuery(statuses: [.paused])).count, trials.count)
    }

    func testSecondWriterIsRefusedButReadersAreNot() throws {
        try StoreContract.secondWriterIsRefusedButReadersAreNot(fixture())
    }

    func testClosedStoreRefusesWork() throws { try StoreContract.closedStoreRefusesWork(fixture()) }

    func testFailedStatementInsideATransactionKeepsEarlierWrites() throws {
        try StoreContract.failedStatementInsideATransactionKeepsEarlierWrites(fixture())
    }

    func testFailedBatchWritesNothing() throws { try StoreContract.failedBatchWritesNothing(fixture()) }
    func testUpdateOfAMissingRowFailsItsTransaction() throws { try StoreContract.updateOfAMissingRowFailsItsTransaction(fixture()) }

    func testTransactionsRollBackAndNest() throws { try StoreContract.transactionsRollBackAndNest(fixture()) }

    func testWorkersRoundTripAndSave() throws { try StoreContract.workersRoundTripAndSave(fixture()) }
    func testTrackingMarksUpsertAndReadBack() throws { try StoreContract.trackingMarksUpsertAndReadBack(fixture()) }

    func testDriftResultsRoundTripAndAttachToTheirSweep() throws { try StoreContract.driftResultsRoundTripAndAttachToTheirSweep(fixture()) }

    func testModelVersionsNumberPerFamilyWithOneProduction() throws { try StoreContract.modelVersionsNumberPerFamilyWithOneProduction(fixture()) }

    func testInMemoryStore() throws {
        let store = try SQLiteStore(path: ":memory:")
        let sweep = try makeSweep(store)
        XCTAssertEqual(try store.sweep(id: sweep.id), sweep)
    }
}

final class MetricsJSONTests: XCTestCase {
    func testRoundTripsRandomValuesExactly() throws {
        var generator = SystemRandomNumberGenerator()
        var metrics: [String: Double] = [:]
        for index in 0..<200 {
            let exponent = Double.random(in: -300...300, using: &generator)
            metrics["m\(index)"] = Double.random(in: -1...1, using: &generator) * pow(10, exponent)
        }
        let read = try MetricsJSON.decode(MetricsJSON.encode(metrics), context: "test")
        XCTAssertEqual(read.count, metrics.count)
        for (key, value) in metrics { XCTAssertEqual(read[key]?.bitPattern, value.bitPattern, key) }
    }

    func testRejectsMalformedText() {
        for text in ["", "[]", "{\"a\":}", "{\"a\":\"x\"}", "{\"a\":1", "{\"a\":1} x", "{\"a\":true}"] {
            let error = captureError { try MetricsJSON.decode(text, context: "trial 3") } as? RungError
            XCTAssertEqual(error?.kind, .badInput, text)
            XCTAssertTrue(error?.message.hasPrefix("trial 3") ?? false, text)
        }
        XCTAssertTrue((try? MetricsJSON.decode(#"{"a": null, "b\u00e9": -1.5e-3}"#, context: ""))?["a"]?.isNaN ?? false)
        XCTAssertEqual(try MetricsJSON.decode(#"{"a": null, "b\u00e9": -1.5e-3}"#, context: "")["bé"], -1.5e-3)
    }

}
