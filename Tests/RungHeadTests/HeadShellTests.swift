import Foundation
@testable import RungHead
import RungStore
import RungWire
import XCTest

/// The head's shell (decode → book → effects → store → send) over an in-memory transport
/// and a manual clock, on a real SQLite store: what needed sockets and wall time before.
final class HeadShellTests: XCTestCase {
    /// Plays a worker that finishes every assigned trial at once with a fixed metric.
    private func finishEverything(_ transport: InMemoryTransport, worker: String, value: Double, modelRoot: URL) throws {
        for message in transport.take(to: worker) {
            guard case .assign(let a) = message else { continue }
            let dir = modelRoot.appendingPathComponent("trials/\(a.trialID)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: dir.appendingPathComponent("model.json"))
            try Data("{}".utf8).write(to: dir.appendingPathComponent("preprocessor.json"))
            for epoch in 1...a.maxEpochs {
                transport.deliver(.epochReport(EpochReport(trialID: a.trialID, epoch: epoch, seconds: 0.01,
                                                           metrics: [WireMetric("val_auc", value + Double(a.trialID) / 1000)],
                                                           atMilestone: false)), from: worker)
            }
            transport.deliver(.done(TrialDone(trialID: a.trialID, epoch: a.maxEpochs,
                                              metrics: [WireMetric("val_auc", value + Double(a.trialID) / 1000),
                                                        WireMetric("test_auc", value)],
                                              checkpointURI: dir.path)), from: worker)
        }
    }

    func testASweepRunsToItsEndInVirtualTimeAndEveryRowIsInTheStore() throws {
        let fixture = try HeadFixture(self)
        let transport = InMemoryTransport()
        let clock = ManualClock()
        let head = try fixture.makeHead(transport: transport, clock: clock)
        let sweep = try head.submit(configYAML: fixture.config(trials: 3, scheduler: "fifo"), configPath: "t.yaml")
        transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 2, families: ["xgboost"])), from: "w1")
        var passes = 0
        while head.isRunning(sweepID: sweep) && passes < 50 {
            try head.runOnce(timeoutMillis: 0)
            try finishEverything(transport, worker: "w1", value: 0.7, modelRoot: fixture.artifacts)
            clock.advance(by: 0.05)
            passes += 1
        }
        XCTAssertFalse(head.isRunning(sweepID: sweep), "the sweep should end within 50 passes")
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        let trials = try store.trials(sweepID: sweep)
        XCTAssertEqual(trials.map(\.id), [1, 2, 3])
        XCTAssertEqual(Set(trials.map(\.status)), [.finished])
        XCTAssertEqual(try store.epochs(sweepID: sweep, family: nil).count, 3 * 4)
        let record = try XCTUnwrap(try store.sweep(id: sweep))
        XCTAssertEqual(record.status, .finished)
        // Times come from the head's clock: the sweep ended in the last pass, before the last advance.
        XCTAssertEqual(try XCTUnwrap(record.finishedAt).timeIntervalSince1970,
                       clock.now().timeIntervalSince1970 - 0.05, accuracy: 1e-3)
        XCTAssertTrue(record.message?.contains("xgboost v1 production (trial 3") ?? false, record.message ?? "")
        // `rung top` of the ended sweep still knows each trial's rung (the head no longer runs it).
        transport.deliver(.control(json: #"{"op":"top","v":1,"sweep":\#(sweep)}"#), from: "client")
        try head.runOnce(timeoutMillis: 0)
        let top = try controlReply(transport, to: "client")
        let rows = try XCTUnwrap(top["trials"] as? [[String: Any]], "\(top)")
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows.compactMap { ($0["rung"] as? NSNumber)?.intValue }.count, 3, "every trial has a rung: \(rows)")
    }

    func testARestartedHeadHoldsARunningTrialForItsWorkerWhoseHelloComesLate() throws {
        let fixture = try HeadFixture(self)
        let clock = ManualClock()
        var sweep: Int64 = 0
        do {
            let transport = InMemoryTransport()
            let head = try fixture.makeHead(transport: transport, clock: clock)
            sweep = try head.submit(configYAML: fixture.config(trials: 1, scheduler: "fifo"), configPath: "t.yaml")
            transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 1, families: ["xgboost"])), from: "w1")
            try head.runOnce(timeoutMillis: 0)
            XCTAssertEqual(transport.take(to: "w1").filter { if case .assign = $0 { return true } else { return false } }.count, 1)
        }
        // The head restarts; another worker is there at once, w1 only after 6 s of virtual time.
        let transport = InMemoryTransport()
        let head = try fixture.makeHead(transport: transport, clock: clock)
        transport.deliver(.hello(WorkerHello(name: "w2", host: "h", slots: 1, families: ["xgboost"])), from: "w2")
        for _ in 0..<60 {
            clock.advance(by: 0.1)
            transport.deliver(.heartbeat(Heartbeat()), from: "w2")
            try head.runOnce(timeoutMillis: 0)
        }
        XCTAssertFalse(transport.take(to: "w2").contains { if case .assign = $0 { return true } else { return false } },
                       "the recovered trial must wait for its own worker")
        transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 1, families: ["xgboost"], running: [1])), from: "w1")
        try head.runOnce(timeoutMillis: 0)
        XCTAssertFalse(transport.take(to: "w1").contains(.cancel(trialID: 1)))
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        XCTAssertEqual(try store.trial(id: 1)?.status, .running)
        XCTAssertEqual(try store.trial(id: 1)?.worker, "w1")
        // Long past the hold, the trial still runs once, on w1.
        for _ in 0..<200 {
            clock.advance(by: 0.1)
            transport.deliver(.heartbeat(Heartbeat()), from: "w1")
            transport.deliver(.heartbeat(Heartbeat()), from: "w2")
            try head.runOnce(timeoutMillis: 0)
        }
        XCTAssertFalse(transport.take(to: "w2").contains { if case .assign = $0 { return true } else { return false } })
        XCTAssertEqual(try store.trials(sweepID: sweep).count, 1)
    }

    // MARK: - Slow work off the loop

    /// The recipe of `sourceConfig`.
    private static let recipe = """
        name: synthetic
        id_columns: [id]
        target: {name: y, from: outcome, negative: ["no"]}
        split: {initial_fraction: 1.0, train: 0.6, validation: 0.2, future_batches: 0}
        """

    /// Makes the recipe a named pipe: the head's helper thread reads it exactly once (after
    /// hashing the source), and blocks until `release` writes it. The slow source, made
    /// deterministic.
    private func gateRecipe(_ fixture: HeadFixture) throws -> (release: () -> Thread, path: String) {
        let fifo = fixture.root.appendingPathComponent("synthetic.yaml").path
        try? FileManager.default.removeItem(atPath: fifo)
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A writer whose reader went away must not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let release = {
            let writer = Thread {
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline, !Thread.current.isCancelled {
                    let fd = open(fifo, O_WRONLY | O_NONBLOCK)
                    guard fd >= 0 else { usleep(5_000); continue }   // no reader yet: poll
                    _ = fcntl(fd, F_SETFL, 0)
                    _ = Self.recipe.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count - 1) }
                    close(fd)
                    return   // written once: the reader gets the whole recipe, then end of file
                }
            }
            writer.start()
            return writer
        }
        return (release, fifo)
    }

    /// A sweep config whose data source is `source`, prepared with the fixture's recipe
    /// (written unless `gateRecipe` made it a pipe).
    private func sourceConfig(_ fixture: HeadFixture, source: String) throws -> (yaml: String, path: String) {
        let recipe = fixture.root.appendingPathComponent("synthetic.yaml")
        if !FileManager.default.fileExists(atPath: recipe.path) {
            try Self.recipe.write(to: recipe, atomically: true, encoding: .utf8)
        }
        let yaml = fixture.config(trials: 1, scheduler: "fifo")
            .replacingOccurrences(of: "data: {prepared: \(fixture.dataDirectory.path)}",
                                  with: "data: {source: \(source), recipe: synthetic.yaml}")
        return (yaml, fixture.root.appendingPathComponent("sweep.yaml").path)
    }

    private func controlReply(_ transport: InMemoryTransport, to client: String) throws -> [String: Any] {
        for case .controlReply(let json) in transport.take(to: client) {
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
        XCTFail("no control reply to \(client)")
        return [:]
    }

    func testHeartbeatsAreAnsweredWhileASlowSourcePreparesAndTheSweepStartsWhenItsDataIsReady() throws {
        let fixture = try HeadFixture(self)
        // The data cannot be prepared until this test releases its recipe.
        let gate = try gateRecipe(fixture)
        let (yaml, path) = try sourceConfig(fixture, source: fixture.root.appendingPathComponent("rows.csv").path)
        let transport = InMemoryTransport()
        let clock = ManualClock()
        let head = try fixture.makeHead(transport: transport, clock: clock, helperThread: true)
        let request = try JSONSerialization.data(withJSONObject: ["op": "submit", "config": yaml, "path": path])
        transport.deliver(.control(json: String(decoding: request, as: UTF8.self)), from: "client")
        try head.runOnce(timeoutMillis: 0)
        let reply = try controlReply(transport, to: "client")
        let sweep = try XCTUnwrap((reply["sweep"] as? NSNumber)?.int64Value, "\(reply)")
        XCTAssertEqual(head.preparingSweeps, [sweep])
        XCTAssertTrue(head.isRunning(sweepID: sweep))
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        XCTAssertEqual(try store.sweep(id: sweep)?.status, .queued)
        XCTAssertEqual(try store.sweep(id: sweep)?.message, "preparing data (config: \(path))")

        // While the data waits, a worker joins and is answered, and is not lost after 3 s.
        transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 1, families: ["xgboost"])), from: "w1")
        var heartbeats = 0
        for _ in 0..<30 {
            clock.advance(by: 0.1)
            transport.deliver(.heartbeat(Heartbeat()), from: "w1")
            try head.runOnce(timeoutMillis: 0)
            for message in transport.take(to: "w1") {
                if case .heartbeat = message { heartbeats += 1 }
                if case .assign = message { XCTFail("no trial can start before its data is ready") }
            }
        }
        XCTAssertGreaterThanOrEqual(heartbeats, 25, "the head answers on every pass while the data prepares")
        XCTAssertEqual(head.workerCount, 1)

        // Release the recipe: the preparation goes on and the sweep starts.
        let writer = gate.release()
        defer { writer.cancel() }
        var assigned: Assignment?
        let deadline = Date().addingTimeInterval(60)
        while assigned == nil && Date() < deadline {
            clock.advance(by: 0.1)
            transport.deliver(.heartbeat(Heartbeat()), from: "w1")
            try head.runOnce(timeoutMillis: 0)
            for case .assign(let a) in transport.take(to: "w1") { assigned = a }
            if assigned == nil { usleep(10_000) }   // polling with a deadline, not a fixed wait
        }
        let assignment = try XCTUnwrap(assigned, "the sweep should start once its data is prepared")
        XCTAssertEqual(try store.sweep(id: sweep)?.status, .running)
        XCTAssertEqual(assignment.dataVersion, try store.sweep(id: sweep)?.dataVersion)
        XCTAssertEqual(head.preparingSweeps, [])
    }

    func testASweepWhoseDataCannotBePreparedFailsNamingTheProblemAndTheHeadGoesOn() throws {
        let fixture = try HeadFixture(self)
        // The file exists (the head takes the submission) but has no `outcome` column: that
        // is found only while preparing, off the loop.
        let broken = fixture.root.appendingPathComponent("no-target.csv")
        try "id,x,colour\n1,0.5,red\n2,0.7,blue\n".write(to: broken, atomically: true, encoding: .utf8)
        let (yaml, path) = try sourceConfig(fixture, source: broken.path)
        let transport = InMemoryTransport()
        let head = try fixture.makeHead(transport: transport, clock: ManualClock())
        let request = try JSONSerialization.data(withJSONObject: ["op": "submit", "config": yaml, "path": path])
        transport.deliver(.control(json: String(decoding: request, as: UTF8.self)), from: "client")
        try head.runOnce(timeoutMillis: 0)
        let sweep = try XCTUnwrap((try controlReply(transport, to: "client")["sweep"] as? NSNumber)?.int64Value)
        let deadline = Date().addingTimeInterval(30)
        while head.isRunning(sweepID: sweep) && Date() < deadline {
            try head.runOnce(timeoutMillis: 0)
            usleep(5_000)   // polling with a deadline
        }
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        let record = try XCTUnwrap(try store.sweep(id: sweep))
        XCTAssertEqual(record.status, .failed)
        XCTAssertTrue(record.message?.hasPrefix("cannot prepare its data: ") ?? false, record.message ?? "")
        XCTAssertTrue(record.message?.contains("outcome") ?? false, record.message ?? "")

        // A source file that does not exist, a missing recipe and a config error are answered
        // at once, and nothing is recorded for them.
        let (missingSource, _) = try sourceConfig(fixture, source: fixture.root.appendingPathComponent("missing.csv").path)
        let missingRecipe = yaml.replacingOccurrences(of: "recipe: synthetic.yaml", with: "recipe: nowhere.yaml")
        for (config, expected) in [(missingSource, "missing.csv"), (missingRecipe, "data.recipe nowhere.yaml does not exist"),
                                   ("name: [", "invalid YAML")] {
            let bad = try JSONSerialization.data(withJSONObject: ["op": "submit", "config": config, "path": path])
            transport.deliver(.control(json: String(decoding: bad, as: UTF8.self)), from: "client")
            try head.runOnce(timeoutMillis: 0)
            let error = try XCTUnwrap(try controlReply(transport, to: "client")["error"] as? String)
            XCTAssertTrue(error.contains(expected), error)
        }
        XCTAssertEqual(try store.sweeps().map(\.id), [sweep])
    }

    func testASweepCancelledWhileItsDataPreparesStaysCancelledWhenTheDataArrives() throws {
        let fixture = try HeadFixture(self)
        let gate = try gateRecipe(fixture)
        let (yaml, path) = try sourceConfig(fixture, source: fixture.root.appendingPathComponent("rows.csv").path)
        let transport = InMemoryTransport()
        let head = try fixture.makeHead(transport: transport, clock: ManualClock(), helperThread: true)
        let sweep = try head.submitInBackground(configYAML: yaml, configPath: path)
        transport.deliver(.control(json: #"{"op":"cancel","sweep":\#(sweep)}"#), from: "client")
        try head.runOnce(timeoutMillis: 0)
        XCTAssertNil(try controlReply(transport, to: "client")["error"])
        XCTAssertFalse(head.isRunning(sweepID: sweep))
        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        XCTAssertEqual(try store.sweep(id: sweep)?.status, .cancelled)

        // Now the data arrives: the preparation finishes and its result is dropped.
        transport.deliver(.hello(WorkerHello(name: "w1", host: "h", slots: 1, families: ["xgboost"])), from: "w1")
        let writer = gate.release()
        defer { writer.cancel() }
        let deadline = Date().addingTimeInterval(60)
        repeat {
            try head.runOnce(timeoutMillis: 0)
            usleep(10_000)   // polling with a deadline
        } while head.slowWork.pending > 0 && Date() < deadline
        XCTAssertEqual(head.slowWork.pending, 0, "the preparation should finish once the data arrives")
        XCTAssertEqual(try store.sweep(id: sweep)?.status, .cancelled)
        XCTAssertFalse(transport.take(to: "w1").contains { if case .assign = $0 { return true } else { return false } })
        XCTAssertEqual(try store.trials(sweepID: sweep).count, 0)
    }

    func testGarbageFromOnePeerIsLoggedOnceAMinuteWithASummaryAndAllOfItIsCounted() throws {
        let fixture = try HeadFixture(self)
        let transport = InMemoryTransport()
        let clock = ManualClock()
        let head = try fixture.makeHead(transport: transport, clock: clock)
        var lines: [String] = []
        head.log = { lines.append($0) }
        for i in 0..<50 { transport.deliverRaw([0x52, 0x47, 9, UInt8(i)], from: "junk") }
        try head.runOnce(timeoutMillis: 0)
        XCTAssertEqual(lines.filter { $0.contains("from junk") }.count, 1, "\(lines)")
        XCTAssertEqual(head.droppedFrames.values.reduce(0, +), 50)
        clock.advance(by: 61)
        try head.runOnce(timeoutMillis: 0)
        XCTAssertEqual(lines.filter { $0.contains("from junk") }.last, "dropped 49 more frame(s) from junk within a minute (counted in status' dropped_frames)")
    }
}
