import CSQLite
import Foundation
import RungCore
@testable import RungStorage
import XCTest

final class SQLiteStoreTests: XCTestCase {
    /// A timestamp with a fraction that survives the seconds-since-1970 column exactly.
    private func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_790_000_000 + seconds) }

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
        XCTAssertEqual(applied.count, SQLiteSchema.migrations.count, "each migration is recorded once: \(applied)")
        let journal = try reopened.db.query("PRAGMA journal_mode", purpose: "test") { $0.text(0) }
        XCTAssertEqual(journal, ["wal"])
        let foreignKeys = try reopened.db.query("PRAGMA foreign_keys", purpose: "test") { $0.int64(0) }
        XCTAssertEqual(foreignKeys, [1])
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

    func testSecondWriterIsRefusedButReadersAreNot() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("rung.db")
        let head = try SQLiteStore(path: path)
        let sweep = try makeSweep(head, name: "live")

        let error = captureError { try openStore(url: "sqlite:" + path) } as? RungError
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertTrue(error?.message.contains("store sqlite:\(path) is in use by another head (pid \(getpid()))") ?? false,
                      error?.message ?? "")

        let reader = try openStore(url: "sqlite:" + path, readOnly: true)
        XCTAssertTrue(reader.isReadOnly)
        XCTAssertEqual(try reader.sweep(id: sweep.id), sweep)
        // The reader sees later commits of the writer.
        var updated = sweep
        updated.status = .finished
        updated.finishedAt = at(10)
        try head.updateSweep(updated)
        XCTAssertEqual(try reader.sweep(id: sweep.id)?.status, .finished)
        // Writes through the reader are refused with a usage error naming the store.
        let writeError = captureError { try reader.createSweep(SweepRecord(name: "x", configYAML: "", seed: 1)) } as? RungError
        XCTAssertEqual(writeError?.kind, .usage)
        XCTAssertTrue(writeError?.message.contains("read-only") ?? false, writeError?.message ?? "")

        // Once the head closes, another head may open the store.
        head.close()
        let next = try SQLiteStore(path: path)
        XCTAssertEqual(try next.sweeps().count, 1)
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

    func testSweepRoundTripWithUnicodeAndUpdate() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        let yaml = "name: \"réadmission-予測 🚀\"\nseed: 7\n# quotes ' \" and a NUL \u{0}, tab\t end\n"
        var sweep = try store.createSweep(SweepRecord(
            name: "réadmission-予測 🚀", configYAML: yaml, seed: UInt64.max - 3, status: .queued,
            dataVersion: "sha256:ab\u{e9}", createdAt: at(0.5), message: "première"))
        XCTAssertGreaterThan(sweep.id, 0)
        XCTAssertEqual(try store.sweep(id: sweep.id), sweep)
        XCTAssertEqual(try store.sweep(id: sweep.id)?.configYAML, yaml)

        sweep.status = .failed
        sweep.finishedAt = at(99.75)
        sweep.message = "worker ☠ lost"
        try store.updateSweep(sweep)
        XCTAssertEqual(try store.sweep(id: sweep.id), sweep)

        let other = try makeSweep(store, name: "b", status: .running)
        XCTAssertEqual(try store.sweeps().map(\.id), [sweep.id, other.id])
        XCTAssertEqual(try store.sweeps(statuses: [.running]).map(\.id), [other.id])
        XCTAssertEqual(try store.sweeps(statuses: [.running, .failed]).count, 2)
        XCTAssertNil(try store.sweep(id: 12345))

        var ghost = sweep
        ghost.id = 12345
        let error = captureError { try store.updateSweep(ghost) } as? RungError
        XCTAssertTrue(error?.message.contains("there is no sweep 12345") ?? false, error?.message ?? "")
    }

    func testArbitraryDatesSurviveToTheMicrosecond() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        let now = Date()
        let sweep = try store.createSweep(SweepRecord(name: "n", configYAML: "", seed: 0, createdAt: now))
        let read = try XCTUnwrap(try store.sweep(id: sweep.id))
        XCTAssertEqual(read.createdAt.timeIntervalSince1970, now.timeIntervalSince1970, accuracy: 1e-6)
    }

    func testStudyAndTrialRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        let sweep = try makeSweep(store)
        let study = StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 40, createdAt: at(1))
        try store.createStudy(study)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "logistic_regression", trialBudget: 10, createdAt: at(1)))
        XCTAssertEqual(try store.study(sweepID: sweep.id, family: "xgboost"), study)
        XCTAssertEqual(try store.studies(sweepID: sweep.id).map(\.family), ["logistic_regression", "xgboost"])
        var bigger = study
        bigger.trialBudget = 60
        try store.updateStudy(bigger)
        XCTAssertEqual(try store.study(sweepID: sweep.id, family: "xgboost")?.trialBudget, 60)

        let params = #"{"max_depth":7,"learning_rate":0.0123,"booster":"gbtree ünï"}"#
        var trial = try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: 1,
                                                      paramsJSON: params, seed: 0xDEAD_BEEF_CAFE_F00D, createdAt: at(2)))
        XCTAssertEqual(try store.trial(id: trial.id), trial)
        trial.status = .running
        trial.worker = "worker-α"
        trial.retries = 2
        trial.lastEpoch = 7
        trial.checkpointURI = "file:///tmp/ck/7.json"
        trial.reason = "asha: below the rung"
        trial.startedAt = at(3.25)
        trial.finishedAt = at(9.5)
        try store.updateTrial(trial)
        XCTAssertEqual(try store.trial(id: trial.id), trial)

        let second = try store.createTrial(TrialRecord(sweepID: sweep.id, family: "logistic_regression", number: 1,
                                                       paramsJSON: "{}", seed: 1, createdAt: at(2)))
        XCTAssertNotEqual(second.id, trial.id, "trial ids are global")
        XCTAssertEqual(try store.trials(sweepID: sweep.id).map(\.id), [trial.id, second.id])
        XCTAssertEqual(try store.trials(sweepID: sweep.id, family: "logistic_regression").map(\.id), [second.id])

        // The same number twice in one study and a trial of a missing study are refused.
        let duplicate = captureError {
            try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: 1, paramsJSON: "{}", seed: 1))
        } as? RungError
        XCTAssertEqual(duplicate?.kind, .badInput)
        let orphan = captureError {
            try store.createTrial(TrialRecord(sweepID: sweep.id, family: "nope", number: 1, paramsJSON: "{}", seed: 1))
        } as? RungError
        XCTAssertTrue(orphan?.message.contains("FOREIGN KEY") ?? false, orphan?.message ?? "")
    }

    func testRestartQueryFindsUnfinishedTrialsOfLiveSweeps() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        var expected: [Int64] = []
        for (sweepStatus, live) in [(SweepRecord.Status.running, true), (.finished, false), (.queued, true), (.cancelled, false)] {
            let sweep = try makeSweep(store, name: sweepStatus.rawValue, status: sweepStatus)
            try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 10))
            for (number, status) in TrialRecord.Status.allCases.enumerated() {
                let trial = try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: number + 1,
                                                              paramsJSON: "{}", seed: 1, status: status))
                if live && [.pending, .running, .paused].contains(status) { expected.append(trial.id) }
            }
        }
        XCTAssertEqual(try store.trials(matching: .unfinishedInLiveSweeps).map(\.id), expected)
        XCTAssertEqual(try store.trials(matching: TrialQuery(statuses: [.finished])).count, 4)
        XCTAssertEqual(try store.trials(matching: TrialQuery(statuses: [.running], limit: 2)).count, 2)
    }

    func testEpochsRoundTripWithNaNAndAreIdempotent() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        let sweep = try makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 2))
        let trial = try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: 1, paramsJSON: "{}", seed: 1))
        var generator = SystemRandomNumberGenerator()
        let random = Double.random(in: 0..<1, using: &generator)
        let first = EpochRecord(trialID: trial.id, epoch: 1, seconds: 0.125,
                                metrics: ["val_auc": random, "val_logloss": .nan, "val_f1": .infinity,
                                          "val_brier": -.infinity, "tiny": Double.leastNonzeroMagnitude, "ctl\n\u{1}\\ é": -0.0, "μ-metric \"q\"": 1e300],
                                recordedAt: at(4))
        let second = EpochRecord(trialID: trial.id, epoch: 2, seconds: .nan, metrics: [:], recordedAt: at(5))
        XCTAssertEqual(try store.recordEpochs([first, second]), 2)
        let read = try store.epochs(trialID: trial.id)
        XCTAssertEqual(read, [first, second])
        XCTAssertEqual(read[0].metrics["val_auc"]?.bitPattern, random.bitPattern, "finite values round-trip bit for bit")
        XCTAssertTrue(read[0].metrics["val_logloss"]?.isNaN ?? false)
        XCTAssertTrue(read[1].seconds.isNaN)

        // A re-attached worker re-sends epoch 2 (with other values) and sends epoch 3.
        var resent = second
        resent.metrics = ["val_auc": 0.5]
        let third = EpochRecord(trialID: trial.id, epoch: 3, seconds: 1, metrics: ["val_auc": 0.75], recordedAt: at(6))
        XCTAssertEqual(try store.recordEpochs([resent, third]), 1, "only the new epoch counts")
        XCTAssertEqual(try store.epochs(trialID: trial.id), [first, second, third], "the first report of an epoch is kept")
        XCTAssertEqual(try store.epochs(sweepID: sweep.id, family: nil).count, 3)
        XCTAssertEqual(try store.epochs(sweepID: sweep.id, family: "other").count, 0)
    }

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

    func testFailedBatchWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        let sweep = try makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 1))
        let trial = try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: 1, paramsJSON: "{}", seed: 1))
        let good = EpochRecord(trialID: trial.id, epoch: 1, seconds: 1, metrics: ["a": 1])
        let bad = EpochRecord(trialID: trial.id + 1000, epoch: 1, seconds: 1, metrics: ["a": 1])
        XCTAssertNotNil(captureError { try store.recordEpochs([good, bad]) })
        XCTAssertEqual(try store.epochs(trialID: trial.id).count, 0)
    }

    func testTransactionsRollBackAndNest() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        struct Boom: Error {}
        XCTAssertThrowsError(try store.transaction {
            _ = try makeSweep(store, name: "rolled back")
            throw Boom()
        })
        XCTAssertEqual(try store.sweeps().count, 0)

        try store.transaction {
            _ = try makeSweep(store, name: "outer")
            XCTAssertThrowsError(try store.transaction {
                _ = try makeSweep(store, name: "inner")
                throw Boom()
            })
            _ = try makeSweep(store, name: "after")
        }
        XCTAssertEqual(try store.sweeps().map(\.name), ["outer", "after"])
    }

    func testWorkersRoundTripAndSave() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        let worker = WorkerRecord(name: "w-1 🛠", host: "10.0.0.5", slots: 4, status: .active, firstSeen: at(1), lastSeen: at(2))
        try store.createWorker(worker)
        XCTAssertEqual(try store.worker(name: worker.name), worker)
        XCTAssertNotNil(captureError { try store.createWorker(worker) })

        var draining = worker
        draining.status = .draining
        draining.lastSeen = at(3)
        try store.updateWorker(draining)
        XCTAssertEqual(try store.worker(name: worker.name), draining)

        var rejoined = draining
        rejoined.status = .active
        rejoined.slots = 8
        rejoined.firstSeen = at(50)
        rejoined.lastSeen = at(51)
        try store.saveWorker(rejoined)
        let saved = try XCTUnwrap(try store.worker(name: worker.name))
        XCTAssertEqual(saved.firstSeen, worker.firstSeen, "saving keeps the first sighting")
        XCTAssertEqual(saved.lastSeen, at(51))
        XCTAssertEqual(saved.slots, 8)

        try store.saveWorker(WorkerRecord(name: "w-0", host: "h", slots: 1, status: .lost, firstSeen: at(1), lastSeen: at(1)))
        XCTAssertEqual(try store.workers().map(\.name), ["w-0", "w-1 🛠"])
        XCTAssertEqual(try store.workers(statuses: [.lost]).map(\.name), ["w-0"])
    }

    func testModelVersionsNumberPerFamilyWithOneProduction() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        let first = try store.createModelVersion(ModelVersion(family: "xgboost", stage: .production, sweepID: 3, trialID: 9,
                                                              uri: "file:///a/v1", metrics: ["test_auc": 0.7, "x": .nan],
                                                              createdAt: at(1)))
        let second = try store.createModelVersion(ModelVersion(family: "xgboost", stage: .staging, uri: "file:///a/v2", createdAt: at(2)))
        let other = try store.createModelVersion(ModelVersion(family: "logistic_regression", stage: .none, uri: "u", createdAt: at(3)))
        XCTAssertEqual([first.version, second.version, other.version], [1, 2, 1])
        XCTAssertEqual(try store.modelVersion(family: "xgboost", version: 1), first)
        XCTAssertEqual(try store.modelVersions(family: "xgboost"), [first, second])
        XCTAssertEqual(try store.modelVersions(family: nil).map { "\($0.family)@\($0.version)" },
                       ["logistic_regression@1", "xgboost@1", "xgboost@2"])
        XCTAssertEqual(try store.productionVersion(family: "xgboost"), first)

        var promoted = second
        promoted.stage = .production
        XCTAssertNotNil(captureError { try store.updateModelVersion(promoted) }, "two production versions are refused")
        var archived = first
        archived.stage = .archived
        try store.updateModelVersion(archived)
        try store.updateModelVersion(promoted)
        XCTAssertEqual(try store.productionVersion(family: "xgboost")?.version, 2)
    }

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

    func testClosedStoreRefusesWork() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.path("rung.db"))
        store.close()
        let error = captureError { try store.sweeps() } as? RungError
        XCTAssertEqual(error?.kind, .internal)
        XCTAssertTrue(error?.message.contains("closed") ?? false)
        // Closing released the writer lock.
        XCTAssertNoThrow(try SQLiteStore(path: dir.path("rung.db")))
    }
}
