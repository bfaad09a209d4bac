import Foundation
import RungCore
@testable import RungStore
import XCTest

/// One empty store of one kind for a contract test: its URL and whatever keeps it alive.
struct StoreFixture {
    let url: String
    let keepAlive: AnyObject?

    /// Opens the store (writable unless `readOnly`).
    func open(readOnly: Bool = false) throws -> any Store { try openStore(url: url, readOnly: readOnly) }
}

/// The behaviour every `Store` must show, run by `SQLiteStoreTests` and
/// `PostgresStoreTests` against their own stores.
enum StoreContract {
    /// A timestamp with a fraction that survives the seconds-since-1970 column exactly.
    static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_790_000_000 + seconds) }

    static func makeSweep(_ store: any Store, name: String = "sweep", status: SweepRecord.Status = .running) throws -> SweepRecord {
        try store.createSweep(SweepRecord(name: name, configYAML: "name: \(name)\n", seed: 42, status: status, createdAt: at(0)))
    }

    static func sweepRoundTripWithUnicodeAndUpdate(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
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
        sweep.dataURI = "s3://bücket/processed/ä b/"
        try store.updateSweep(sweep)
        XCTAssertEqual(try store.sweep(id: sweep.id), sweep)
        XCTAssertEqual(try store.sweep(id: sweep.id)?.dataURI, "s3://bücket/processed/ä b/")

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

    static func arbitraryDatesSurviveToTheMicrosecond(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
        let now = Date()
        let sweep = try store.createSweep(SweepRecord(name: "n", configYAML: "", seed: 0, createdAt: now))
        let read = try XCTUnwrap(try store.sweep(id: sweep.id))
        XCTAssertEqual(read.createdAt.timeIntervalSince1970, now.timeIntervalSince1970, accuracy: 1e-6)
    }

    static func studyAndTrialRoundTrip(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
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
                                                      paramsJSON: params, seed: 0xDEAD_BEEF_CAFE_F00D, createdAt: at(2),
                                                      suggestionFit: .rung(epoch: 6, observations: 14)))
        XCTAssertEqual(try store.trial(id: trial.id), trial)
        XCTAssertEqual(try store.trial(id: trial.id)?.suggestionFit, .rung(epoch: 6, observations: 14))
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
        XCTAssertNil(try store.trial(id: second.id)?.suggestionFit, "a trial created without a fit reads back without one")
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
        XCTAssertTrue(orphan?.message.lowercased().contains("foreign key") ?? false, orphan?.message ?? "")
    }

    /// The head allocates trial ids (it is the only writer): a given id is kept, and ids the
    /// store assigns afterwards continue above it.
    static func aGivenTrialIDIsKeptAndTheLargestIsReported(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
        XCTAssertEqual(try store.largestTrialID(), 0)
        let sweep = try makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 9, createdAt: at(1)))
        let given = try store.transaction {
            try store.createTrial(TrialRecord(id: 41, sweepID: sweep.id, family: "xgboost", number: 0, paramsJSON: "{}", seed: 1))
        }
        XCTAssertEqual(given.id, 41)
        XCTAssertEqual(try store.trial(id: 41)?.number, 0)
        XCTAssertEqual(try store.largestTrialID(), 41)
        let assigned = try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: 1, paramsJSON: "{}", seed: 1))
        XCTAssertGreaterThan(assigned.id, 41)
        XCTAssertEqual(try store.largestTrialID(), assigned.id)
        XCTAssertEqual(try fixture.open(readOnly: true).largestTrialID(), assigned.id)
    }

    static func restartQueryFindsUnfinishedTrialsOfLiveSweeps(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
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
        let all = try store.trials(matching: TrialQuery()).map(\.id)
        XCTAssertEqual(try store.trials(matching: TrialQuery(afterID: all[2])).map(\.id), Array(all.dropFirst(3)), "only larger ids")
    }

    static func epochsRoundTripWithNaNAndAreIdempotent(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
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

    static func failedBatchWritesNothing(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
        let sweep = try makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 1))
        let trial = try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: 1, paramsJSON: "{}", seed: 1))
        let good = EpochRecord(trialID: trial.id, epoch: 1, seconds: 1, metrics: ["a": 1])
        let bad = EpochRecord(trialID: trial.id + 1000, epoch: 1, seconds: 1, metrics: ["a": 1])
        XCTAssertNotNil(captureError { try store.recordEpochs([good, bad]) })
        XCTAssertEqual(try store.epochs(trialID: trial.id).count, 0)
    }

    static func transactionsRollBackAndNest(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
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

    static func driftResultsRoundTripAndAttachToTheirSweep(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
        let sweep = try makeSweep(store)
        let skipped = DriftResultRecord(key: "20261203T010000.000Z-batch-4-a1", recordedAt: at(1.25), configName: "nightly ✓",
                                        batch: 4, when: "drift", retrain: false, reason: "only 2 of 44 columns drifted",
                                        driftShare: 0.045, sweepID: nil, resultJSON: "{\"retrain\": false}")
        var ran = DriftResultRecord(key: "20261203T020000.000Z-batch-4-b2", recordedAt: at(2.5), configName: "nightly ✓",
                                    batch: 4, when: "always", retrain: true, reason: "retrain.when is always",
                                    driftShare: nil, sweepID: nil, resultJSON: "{}")
        try store.saveDriftResult(skipped)
        try store.saveDriftResult(ran)
        XCTAssertEqual(try store.driftResults(sweepID: nil), [skipped, ran])
        XCTAssertEqual(try store.driftResults(sweepID: sweep.id), [])
        // The sweep it let run is attached afterwards; saving the same result again (a copy
        // replayed from the artifacts) changes nothing and does not detach it.
        ran.sweepID = sweep.id
        try store.saveDriftResult(ran)
        var replayed = ran
        replayed.sweepID = nil
        try store.saveDriftResult(replayed)
        try store.saveDriftResult(skipped)
        XCTAssertEqual(try store.driftResults(sweepID: sweep.id), [ran])
        XCTAssertEqual(try store.driftResults(sweepID: nil), [skipped, ran])
        let reader = try fixture.open(readOnly: true)
        XCTAssertEqual(try reader.driftResults(sweepID: sweep.id), [ran])
        XCTAssertThrowsError(try reader.saveDriftResult(skipped)) { error in
            XCTAssertTrue("\(error)".contains("read-only"), "\(error)")
        }
    }

    static func workersRoundTripAndSave(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
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

    static func modelVersionsNumberPerFamilyWithOneProduction(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
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

    static func secondWriterIsRefusedButReadersAreNot(_ fixture: StoreFixture) throws {
        let head = try fixture.open()
        let sweep = try makeSweep(head, name: "live")

        let error = captureError { try fixture.open() } as? RungError
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertTrue(error?.message.contains("store \(head.location) is in use by another head (") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("pid \(getpid())") ?? false, error?.message ?? "")

        let reader = try fixture.open(readOnly: true)
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
        XCTAssertTrue(writeError?.message.contains(reader.location) ?? false, writeError?.message ?? "")

        // Once the head closes, another head may open the store, and ids continue.
        head.close()
        let next = try fixture.open()
        XCTAssertEqual(try next.sweeps().count, 1)
        let later = try makeSweep(next, name: "later")
        XCTAssertGreaterThan(later.id, sweep.id)
    }

    static func closedStoreRefusesWork(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
        store.close()
        let error = captureError { try store.sweeps() } as? RungError
        XCTAssertEqual(error?.kind, .internal)
        XCTAssertTrue(error?.message.contains("closed") ?? false)
        // Closing released the writer lock.
        XCTAssertNoThrow(try fixture.open())
    }

    static func failedStatementInsideATransactionKeepsEarlierWrites(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
        let worker = WorkerRecord(name: "w", host: "h", slots: 1, firstSeen: at(1), lastSeen: at(1))
        try store.transaction {
            try store.createWorker(worker)
            _ = try makeSweep(store, name: "kept")
            // A duplicate is refused, and the caller carries on in the same transaction.
            XCTAssertEqual((captureError { try store.createWorker(worker) } as? RungError)?.kind, .badInput)
            _ = try makeSweep(store, name: "also kept")
        }
        XCTAssertEqual(try store.sweeps().map(\.name), ["kept", "also kept"])
        XCTAssertEqual(try store.workers().map(\.name), ["w"])
    }

    /// An update of a missing row fails its transaction (at once on SQLite; PostgreSQL may
    /// hold the write until its batch goes, at the latest at the commit), which rolls back.
    static func updateOfAMissingRowFailsItsTransaction(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
        let sweep = try makeSweep(store, name: "kept")
        let ghost = TrialRecord(id: 999, sweepID: sweep.id, family: "xgboost", number: 1, paramsJSON: "{}", seed: 1)
        let error = captureError {
            try store.transaction {
                try store.updateTrial(ghost)
                _ = try makeSweep(store, name: "rolled back")
            }
        }
        XCTAssertEqual((error as? RungError)?.kind, .badInput)
        XCTAssertTrue("\(String(describing: error))".contains("there is no trial 999"), "\(String(describing: error))")
        XCTAssertEqual(try store.sweeps().map(\.name), ["kept"])
    }

    static func manyEpochsInOneBatch(_ fixture: StoreFixture, label: String) throws {
        let store = try fixture.open()
        let sweep = try makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 500))
        let trials = try store.transaction {
            try (1...500).map {
                try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: $0, paramsJSON: "{}", seed: UInt64($0)))
            }
        }
        XCTAssertEqual(Set(trials.map(\.id)).count, 500)
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
        print("\(label) recordEpochs: 50,000 epoch results in one transaction took \(String(format: "%.3f", elapsed)) s")
        XCTAssertEqual(inserted, 50_000)
        XCTAssertEqual(try store.recordEpochs(batch), 0)
        XCTAssertEqual(try store.epochs(sweepID: sweep.id, family: "xgboost").count, 50_000)
        XCTAssertEqual(try store.epochs(trialID: trials[123].id).map(\.epoch), Array(1...100))
        XCTAssertEqual(try store.epochs(trialID: trials[123].id), Array(batch[12_300..<12_400]))
    }
}
