import Foundation
import RungCore
@testable import RungStore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Lines a store logged, collected across threads.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// Appends one line.
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    /// Every line so far.
    var all: [String] { lock.withLock { lines } }
    /// A logger that appends here.
    var logger: @Sendable (String) -> Void { { [self] in self.append($0) } }
}

/// The store suite on a real PostgreSQL server (a throwaway cluster per test process, a
/// fresh database per test), plus what only PostgreSQL has: the advisory lock, passwords,
/// and connections that drop.
final class PostgresStoreTests: XCTestCase {
    private var server: PostgresTestServer!

    override func setUpWithError() throws {
        server = try PostgresTestServer.shared()
    }

    private func fixture() throws -> StoreFixture {
        StoreFixture(url: try server.createDatabase(), keepAlive: nil)
    }

    private func open(_ url: String, readOnly: Bool = false, log: LogLines = LogLines()) throws -> PostgresStore {
        try PostgresStore(url: url, readOnly: readOnly,
                          options: .init(openRetrySeconds: 2, readRetrySeconds: 20, maxBackoffSeconds: 0.5, log: log.logger))
    }

    // MARK: - The shared suite

    func testSweepRoundTripWithUnicodeAndUpdate() throws { try StoreContract.sweepRoundTripWithUnicodeAndUpdate(fixture()) }
    func testArbitraryDatesSurviveToTheMicrosecond() throws { try StoreContract.arbitraryDatesSurviveToTheMicrosecond(fixture()) }
    func testStudyAndTrialRoundTrip() throws { try StoreContract.studyAndTrialRoundTrip(fixture()) }
    func testAGivenTrialIDIsKeptAndTheLargestIsReported() throws { try StoreContract.aGivenTrialIDIsKeptAndTheLargestIsReported(fixture()) }

    func testRestartQueryFindsUnfinishedTrialsOfLiveSweeps() throws {
        try StoreContract.restartQueryFindsUnfinishedTrialsOfLiveSweeps(fixture())
    }
    func testEpochsRoundTripWithNaNAndAreIdempotent() throws { try StoreContract.epochsRoundTripWithNaNAndAreIdempotent(fixture()) }
    func testFiftyThousandEpochsInOneBatch() throws { try StoreContract.manyEpochsInOneBatch(fixture(), label: "PostgreSQL") }
    func testSecondWriterIsRefusedButReadersAreNot() throws { try StoreContract.secondWriterIsRefusedButReadersAreNot(fixture()) }
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
    func testModelVersionsNumberPerFamilyWithOneProduction() throws {
        try StoreContract.modelVersionsNumberPerFamilyWithOneProduction(fixture())
    }

    // MARK: - Opening and migrations

    func testMigratesOnceAndReopensIdempotently() throws {
        let url = try server.createDatabase()
        var store: PostgresStore? = try open(url)
        XCTAssertEqual(try store!.schemaVersion(), PostgresStore.latestSchemaVersion)
        let sweep = try StoreContract.makeSweep(store!)
        store = nil
        let reopened = try open(url)
        XCTAssertEqual(try reopened.schemaVersion(), PostgresStore.latestSchemaVersion)
        XCTAssertEqual(try reopened.sweep(id: sweep.id), sweep)
        let applied = try reopened.query("SELECT version, name FROM schema_migrations ORDER BY version", purpose: "test") {
            "\($0.int(0)):\($0.text(1))"
        }
        XCTAssertEqual(applied, ["1:initial schema", "2:trial final metrics", "3:sweep data uri", "4:drift results", "5:trial suggestion fit", "6:tracking export marks"])
        XCTAssertTrue(reopened.location.hasPrefix("postgresql://rung:***@127.0.0.1:"), reopened.location)
    }

    func testNewerSchemaAndEmptyDatabaseAreClearErrors() throws {
        let url = try server.createDatabase()
        let readError = captureError { try open(url, readOnly: true) } as? RungError
        XCTAssertEqual(readError?.kind, .badInput)
        XCTAssertTrue(readError?.message.contains("is not a rung store") ?? false, readError?.message ?? "")
        do {
            let store = try open(url)
            _ = try store.transaction {
                try store.write("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 0)",
                                [.int(PostgresStore.latestSchemaVersion + 5)], purpose: "test")
            }
        }
        for readOnly in [false, true] {
            let error = captureError { try open(url, readOnly: readOnly) } as? RungError
            XCTAssertEqual(error?.kind, .unavailable)
            XCTAssertTrue(error?.message.contains("schema version \(PostgresStore.latestSchemaVersion + 5)") ?? false,
                          error?.message ?? "")
        }
    }

    func testOpenStoreAcceptsBothSchemes() throws {
        let url = try server.createDatabase()
        let store = try openStore(url: url)
        XCTAssertTrue(store is PostgresStore)
        store.close()
        let short = try openStore(url: "postgres://" + url.dropFirst("postgresql://".count), readOnly: false)
        XCTAssertEqual(try short.sweeps().count, 0)
    }

    // MARK: - Passwords and unreachable servers

    func testPasswordNeverAppearsInErrorsOrLogs() throws {
        let url = try server.createDatabase()
        let password = PostgresTestServer.password
        let log = LogLines()
        let head = try open(url, log: log)
        XCTAssertFalse(head.location.contains(password))
        var messages: [String] = []
        // A second head, a wrong password, a missing database, a server that is not there.
        messages.append((captureError { try open(url) } as? RungError)?.message ?? "no error")
        let wrong = url.replacingOccurrences(of: password, with: "not-" + password)
        let started = Date()
        let authError = captureError { try open(wrong, log: log) } as? RungError
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "a refused password is not retried")
        XCTAssertEqual(authError?.kind, .unavailable)
        XCTAssertTrue(authError?.message.contains("password authentication failed") ?? false, authError?.message ?? "")
        messages.append(authError?.message ?? "no error")
        messages.append((captureError { try open(server.url(database: "no_such_db")) } as? RungError)?.message ?? "no error")
        let port = try PostgresTestServer.freePort()
        messages.append((captureError { try open(server.url(database: "x", port: port), log: log) } as? RungError)?.message ?? "no error")
        messages.append((captureError { try open("postgresql://rung:\(password)@127.0.0.1:\(server.port)/x?bogus=1") } as? RungError)?.message ?? "")
        // A password given as a parameter instead.
        messages.append((captureError {
            try open("postgresql://rung@127.0.0.1:\(port)/x?password=\(password)", log: log)
        } as? RungError)?.message ?? "no error")
        messages.append(contentsOf: log.all)
        XCTAssertGreaterThanOrEqual(messages.count, 7)
        for message in messages {
            XCTAssertFalse(message.contains(password), message)
            XCTAssertFalse(message.contains("Zq7"), message)
        }
        XCTAssertTrue(messages.contains { $0.contains("***") })
    }

    func testUnreachableServerIsOneClearErrorAfterBoundedRetries() throws {
        let port = try PostgresTestServer.freePort()
        let log = LogLines()
        let started = Date()
        let error = captureError { try open(server.url(database: "rung", port: port), log: log) } as? RungError
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertEqual(error?.exitCode, 69)
        XCTAssertTrue(error?.message.contains("cannot reach the PostgreSQL server 127.0.0.1:\(port)") ?? false, error?.message ?? "")
        XCTAssertGreaterThan(elapsed, 0.5, "it retried")
        XCTAssertLessThan(elapsed, 6, "the retries are bounded")
        XCTAssertGreaterThanOrEqual(log.all.count, 2, "one line per attempt: \(log.all)")
    }

    // MARK: - Single writer

    func testAdvisoryLockNamesTheHolderAndDiesWithItsSession() throws {
        let url = try server.createDatabase()
        let head = try open(url)
        let error = captureError { try open(url) } as? RungError
        XCTAssertEqual(error?.kind, .unavailable)
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("is in use by another head (rung head pid \(getpid()) on "), message)
        XCTAssertTrue(message.contains("PostgreSQL backend pid \(head.backendPID) from 127.0.0.1"), message)
        // Killing the holder's session (e.g. its host died) frees the store for another head.
        try server.admin("SELECT pg_terminate_backend($1::integer)", [.integer(Int64(head.backendPID))])
        server.waitUntilEnded(backendPID: head.backendPID)
        let next = try open(url)
        XCTAssertEqual(try next.sweeps().count, 0)
        // The old head notices on its next write that another head holds the store.
        let stolen = captureError { try StoreContract.makeSweep(head) } as? RungError
        XCTAssertEqual(stolen?.kind, .unavailable)
        XCTAssertTrue(stolen?.message.contains("is in use by another head") ?? false, stolen?.message ?? "")
    }

    // MARK: - Connection loss

    /// One small head-like transaction: a trial, its first epoch and its update.
    private func writeStep(_ store: PostgresStore, sweepID: Int64, number: Int) throws {
        try store.transaction {
            var trial = try store.createTrial(TrialRecord(sweepID: sweepID, family: "f", number: number,
                                                          paramsJSON: "{\"n\":\(number)}", seed: UInt64(number)))
            try store.recordEpochs([EpochRecord(trialID: trial.id, epoch: 1, seconds: 0.5, metrics: ["val_auc": Double(number)])])
            trial.status = .finished
            trial.lastEpoch = 1
            try store.updateTrial(trial)
        }
    }

    private func checkSteps(_ store: PostgresStore, sweepID: Int64, count: Int) throws {
        let trials = try store.trials(sweepID: sweepID)
        XCTAssertEqual(trials.map(\.number), Array(1...count), "every transaction is stored exactly once")
        XCTAssertTrue(trials.allSatisfy { $0.status == .finished && $0.lastEpoch == 1 })
        XCTAssertEqual(trials.map(\.id), trials.map(\.id).sorted())
        let epochs = try store.epochs(sweepID: sweepID, family: nil)
        XCTAssertEqual(epochs.count, count)
        XCTAssertEqual(epochs.map { Int($0.metrics["val_auc"]!) }, Array(1...count))
    }

    func testServerRestartInTheMiddleOfAStreamLosesAndDuplicatesNothing() throws {
        let url = try server.createDatabase()
        let log = LogLines()
        let store = try open(url, log: log)
        let reader = try open(url, readOnly: true, log: log)
        let sweep = try StoreContract.makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "f", trialBudget: 1000))
        let server = self.server!
        let restarted = expectation(description: "server restarted")
        let restartError = LogLines()
        let count = 400
        var number = 0
        while number < count {
            number += 1
            if number == 50 {
                DispatchQueue.global().async {
                    do { try server.restart() } catch { restartError.append("\(error)") }
                    restarted.fulfill()
                }
            }
            try writeStep(store, sweepID: sweep.id, number: number)
            if number == 60 {   // write on once the server went down
                waitUntil("the restart cut the store's connection", timeout: 40) { store.reconnections > 0 || peerHungUp(store.socket) }
            }
        }
        wait(for: [restarted], timeout: 40)
        XCTAssertEqual(restartError.all, [])
        XCTAssertGreaterThanOrEqual(store.reconnections, 1, "the restart interrupted the stream: \(log.all)")
        try checkSteps(store, sweepID: sweep.id, count: count)
        // The reader reconnects by itself too.
        XCTAssertEqual(try reader.trials(sweepID: sweep.id).count, count)
        XCTAssertTrue(log.all.contains { $0.contains("reconnecting") }, "\(log.all)")
    }

    func testAReaderGivesUpAfterItsBoundedRetriesAndRecoversLater() throws {
        let url = try server.createDatabase()
        let head = try open(url)
        let sweep = try StoreContract.makeSweep(head)
        head.close()
        let log = LogLines()
        let reader = try PostgresStore(url: url, readOnly: true,
                                       options: .init(readRetrySeconds: 1.5, maxBackoffSeconds: 0.3, log: log.logger))
        try server.stop()
        defer { try? server.start() }
        let started = Date()
        let error = captureError { try reader.sweep(id: sweep.id) } as? RungError
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertTrue(error?.message.contains("cannot reach the PostgreSQL server 127.0.0.1:\(server.port)") ?? false,
                      error?.message ?? "")
        XCTAssertFalse(error?.message.contains(PostgresTestServer.password) ?? true)
        XCTAssertLessThan(elapsed, 5, "a reader's retries are bounded")
        try server.start()
        XCTAssertEqual(try reader.sweep(id: sweep.id), sweep, "the reader reconnects once the server is back")
    }

    func testADropBeforeTheCommitIsReplayed() throws {
        let url = try server.createDatabase()
        let log = LogLines()
        let store = try open(url, log: log)
        let sweep = try StoreContract.makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "f", trialBudget: 10))
        try writeStep(store, sweepID: sweep.id, number: 1)
        let server = self.server!
        var fired = false
        store.beforeCommit = { [unowned store] in
            guard !fired else { return }
            fired = true
            _ = try? server.admin("SELECT pg_terminate_backend($1::integer)", [.integer(Int64(store.backendPID))])
            server.waitUntilEnded(backendPID: store.backendPID)
            waitUntil("the store's socket is hung up", timeout: 10) { peerHungUp(store.socket) }
        }
        try writeStep(store, sweepID: sweep.id, number: 2)
        store.beforeCommit = nil
        XCTAssertTrue(fired)
        try writeStep(store, sweepID: sweep.id, number: 3)
        try checkSteps(store, sweepID: sweep.id, count: 3)
        XCTAssertTrue(log.all.contains { $0.contains("was lost; replaying") }, "\(log.all)")
    }

    func testADropAfterTheCommitReachedTheServerIsNotReplayed() throws {
        let url = try server.createDatabase()
        let log = LogLines()
        let store = try open(url, log: log)
        let sweep = try StoreContract.makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "f", trialBudget: 10))
        try writeStep(store, sweepID: sweep.id, number: 1)
        var fired = false
        store.afterCommitSent = { [unowned store, server = server!] in
            guard !fired else { return }
            fired = true
            // Let the server commit, then lose the reply: the network failed after the COMMIT.
            // /dev/null replaces the socket, so libpq's next read fails and the server sees EOF.
            server.waitUntilIdle(backendPID: store.backendPID)
            let null = Glibc.open("/dev/null", O_RDWR)
            dup2(null, store.socket)
            close(null)
        }
        try writeStep(store, sweepID: sweep.id, number: 2)
        store.afterCommitSent = nil
        XCTAssertTrue(fired)
        try writeStep(store, sweepID: sweep.id, number: 3)
        try checkSteps(store, sweepID: sweep.id, count: 3)
        XCTAssertTrue(log.all.contains { $0.contains("had reached the server") }, "\(log.all)")
    }

    /// A head loop pass (workers seen, trials updated, epochs recorded) costs three round
    /// trips whatever its size: the held-back writes with the epochs, the commit sequence,
    /// the COMMIT.
    func testALoopPassesWritesGoInOneBatch() throws {
        let store = try open(try server.createDatabase())
        let sweep = try StoreContract.makeSweep(store)
        try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 8))
        var trials = try (1...8).map {
            try store.createTrial(TrialRecord(sweepID: sweep.id, family: "xgboost", number: $0, paramsJSON: "{}", seed: UInt64($0)))
        }
        let before = store.roundTrips
        try store.transaction {
            for index in trials.indices {
                try store.saveWorker(WorkerRecord(name: "w\(index % 2)", host: "h", slots: 4))
                trials[index].lastEpoch = 1
                try store.updateTrial(trials[index])
            }
            try store.recordEpochs(trials.map { EpochRecord(trialID: $0.id, epoch: 1, seconds: 0.5, metrics: ["val_auc": 0.7]) })
        }
        XCTAssertEqual(store.roundTrips - before, 3)
        XCTAssertEqual(try store.trials(matching: TrialQuery(sweepID: sweep.id)).map(\.lastEpoch), Array(repeating: 1, count: 8))
        XCTAssertEqual(try store.epochs(sweepID: sweep.id, family: nil).count, 8)
        XCTAssertEqual(try store.workers().map(\.name), ["w0", "w1"])
    }

    func testADropInTheMiddleOfATransactionWithAFailedStatementReplaysTheRest() throws {
        let url = try server.createDatabase()
        let store = try open(url)
        let worker = WorkerRecord(name: "w", host: "h", slots: 1)
        let server = self.server!
        try store.transaction {
            try store.createWorker(worker)
            XCTAssertNotNil(captureError { try store.createWorker(worker) })
            try store.transaction { _ = try StoreContract.makeSweep(store, name: "inner") }
            _ = try server.admin("SELECT pg_terminate_backend($1::integer)", [.integer(Int64(store.backendPID))])
            server.waitUntilEnded(backendPID: store.backendPID)
            waitUntil("the store's socket is hung up", timeout: 10) { peerHungUp(store.socket) }
            _ = try StoreContract.makeSweep(store, name: "after the drop")
        }
        XCTAssertEqual(try store.sweeps().map(\.name), ["inner", "after the drop"])
        XCTAssertEqual(try store.workers().map(\.name), ["w"])
        XCTAssertEqual(store.reconnections, 1)
    }
}
