import Foundation
import RungWire
import RungWorker
import XCTest

/// A worker and a fake head over real ZeroMQ sockets: bad frames, leaving, losing the head.
final class WorkerConnectionTests: WorkerTestCase {
    func testGarbledFramesAreCountedAndDroppedAndTheWorkerCarriesOn() throws {
        let (worker, _) = try join()
        var junk: [[UInt8]] = [
            [0x00, 0x01, 0x02],                                   // bad magic
            [0x52, 0x47, 1, 4, 1, 2],                              // an assign cut short
            [0x52, 0x47, 9, 3, 0, 0, 0, 0],                        // another protocol version
            [0x52, 0x47, 1, 200],                                  // unknown type
            Array(WireFormat.encode(.heartbeat(Heartbeat(running: [1, 2])))) + [0xFF],  // trailing bytes
        ]
        var state: UInt64 = 99
        for _ in 0..<20 {
            junk.append([0xFF] + (0..<40).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 33)
            })
        }
        for frame in junk { try head.sendRaw([frame]) }
        try head.sendRaw([WireFormat.encode(.heartbeat(Heartbeat())), [1, 2, 3]])  // two frames
        try head.send(.hello(WorkerHello(name: "impostor", host: "x", slots: 1, families: [])))  // not for workers

        try head.send(.assign(assignment(20, maxEpochs: 1)))
        XCTAssertEqual(try head.expect("done after the junk") { $0.done(20) }.epoch, 1)
        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.garbledFrames, junk.count + 1)
        XCTAssertEqual(summary.unexpectedMessages, 1)
        XCTAssertEqual(summary.finished, 1)
        XCTAssertTrue(worker.log.contains { $0.contains("garbled frame") }, "\(worker.log)")
    }

    func testWellFormedButUnusableAssignmentsFailWithReasonsAndTheWorkerCarriesOn() throws {
        let (worker, _) = try join()
        let hostile: [(Assignment, String)] = [
            (assignment(60, maxEpochs: 0), "max_epochs 0"),
            (assignment(61, maxEpochs: 3, startEpoch: .max), "after its max_epochs"),
            (assignment(62, maxEpochs: 3, startEpoch: 2), "no checkpoint_uri"),
            (assignment(63, maxEpochs: 3, startEpoch: 2, checkpointURI: "file:///nonexistent-rung/ck.json"), "ck.json"),
            (assignment(64, params: "not json"), "not a JSON object"),
            (assignment(65, family: "quantum_forest"), "quantum_forest"),
            (assignment(66, family: "command"), "no command"),
            (assignment(67, dataVersion: "../../etc/passwd"), "not a data version"),
        ]
        for (a, expected) in hostile {
            try head.send(.assign(a))
            let failed = try head.expect("failed \(a.trialID)") { $0.failed(a.trialID) }
            XCTAssertTrue(failed.reason.contains(expected), "trial \(a.trialID): \(failed.reason)")
        }
        try head.send(.assign(assignment(68, maxEpochs: 1)))
        XCTAssertEqual(try head.expect("done") { $0.done(68) }.epoch, 1)
        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.failed, hostile.count)
        XCTAssertEqual(summary.finished, 1)
    }

    func testDrainFinishesTheRunningTrialRefusesNewOnesThenSendsDrainAndReturns() throws {
        let (worker, _) = try join()
        try head.send(.assign(assignment(21, maxEpochs: 2, milestones: [1])))
        _ = try head.expect("milestone report") { $0.report(21) }
        try head.send(.drain)
        try head.send(.assign(assignment(22)))
        let refused = try head.expect("refusal") { $0.failed(22) }
        XCTAssertTrue(refused.reason.contains("draining"), refused.reason)

        // Still draining: the worker waits for its trial before leaving.
        let meanwhile = try head.collect(for: 0.5)
        XCTAssertFalse(meanwhile.contains { if case .drain = $0 { return true } else { return false } })
        XCTAssertNil(try worker.wait(timeout: 0))

        try head.send(.decision(Decision(trialID: 21, epoch: 1, verdict: .continue)))
        var sawDone = false
        _ = try head.expect("drain") { message -> Bool? in
            if message.done(21) != nil { sawDone = true }
            if case .drain = message { return true }
            return nil
        }
        XCTAssertTrue(sawDone, "the running trial finished before the worker left")
        let summary = try XCTUnwrap(try worker.wait(timeout: 5))
        XCTAssertEqual(summary.finished, 1)
        XCTAssertEqual(summary.failed, 1)
    }

    func testFirstStopRequestDrainsAndASecondLeavesAtOnceCancellingTheTrial() throws {
        let (worker, _) = try join()
        try head.send(.assign(assignment(23, maxEpochs: 3, milestones: [1])))
        _ = try head.expect("milestone report") { $0.report(23) }
        worker.worker.requestStop()
        let draining = try head.collect(for: 0.5)
        XCTAssertFalse(draining.contains { if case .drain = $0 { return true } else { return false } },
                       "one request waits for the running trial")
        XCTAssertTrue(draining.contains { if case .draining = $0 { return true } else { return false } },
                      "the head is told at once that this worker takes no new trials: \(draining)")
        XCTAssertNil(try worker.wait(timeout: 0))
        worker.worker.requestStop()
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.cancelled, 1)
        XCTAssertEqual(summary.finished, 0)
        XCTAssertTrue(worker.log.contains { $0.contains("leaving at once") }, "\(worker.log)")
    }

    func testSIGTERMDrainsTheWorker() throws {
        // The worker is up (it said hello) before the signal, so its handler is installed;
        // run() restores the default action only after the signal was handled.
        let (worker, _) = try join(handlingSignals: true)
        try head.send(.assign(assignment(70, maxEpochs: 2, milestones: [1])))
        _ = try head.expect("milestone report") { $0.report(70) }
        XCTAssertEqual(kill(getpid(), SIGTERM), 0)
        let deadline = Date().addingTimeInterval(5)
        while !worker.log.contains(where: { $0.hasPrefix("received SIGTERM: draining") }) && Date() < deadline {
            _ = try head.next(timeout: 0.05)
        }
        XCTAssertTrue(worker.log.contains { $0.hasPrefix("received SIGTERM: draining") }, "\(worker.log)")
        try head.send(.assign(assignment(71)))
        XCTAssertTrue(try head.expect("refusal") { $0.failed(71) }.reason.contains("draining"))
        try head.send(.decision(Decision(trialID: 70, epoch: 1, verdict: .continue)))
        XCTAssertEqual(try head.expect("done") { $0.done(70) }.epoch, 2)
        XCTAssertEqual(try expectDrainAndReturn(worker).finished, 1)
    }

    func testWorkerWaitsForAnAbsentHeadAndLeavesOnRequest() throws {
        // Nobody listens yet: the worker keeps saying hello and logs that it is waiting.
        let port = try FakeHead()
        let endpoint = port.endpoint
        port.router.close()
        var options = WorkerOptions(headEndpoint: endpoint, name: "patient", slots: 1, cacheDirectory: fixture.cache)
        options.helloIntervalMillis = 200
        let worker = try RunningWorker(options: options)
        running = worker
        waitUntil("the worker logs that it waits for the head", timeout: 5, detail: "\(worker.log)") {
            worker.log.contains { $0.hasPrefix("waiting for head at \(endpoint)") }
        }
        XCTAssertEqual(worker.log.filter { $0.hasPrefix("waiting for head") }.count, 1, "\(worker.log)")
        worker.worker.requestStop()
        let summary = try XCTUnwrap(try worker.wait(timeout: 5), "a worker that never joined leaves on request")
        XCTAssertEqual(summary, WorkerSummary())
    }

    func testSilentHeadIsDeclaredLostTrialsKeepRunningAndReportsArriveWhenItIsBack() throws {
        let (worker, _) = try join(heartbeatMillis: 100, lostAfterMillis: 500, helloIntervalMillis: 300)
        try head.send(.assign(assignment(30, maxEpochs: 3, milestones: [1])))
        let milestone = try head.expect("milestone report") { $0.report(30) }

        // The head goes silent: the worker re-sends hello listing its running trial.
        head.answersHeartbeats = false
        let again = try head.expect("hello after the head went silent", timeout: 5) { $0.hello }
        XCTAssertEqual(again.running, [30])
        // Welcomed back while its trial waits: the milestone report is sent again.
        head.answersHeartbeats = true
        try head.send(.welcome(welcome(heartbeatMillis: 100, lostAfterMillis: 500)))
        let resent = try head.expect("re-sent milestone report") { $0.report(30) }
        XCTAssertEqual(resent.unstamped, milestone.unstamped)

        // Silent again; a decision arrives while the worker thinks the head is gone: the
        // trial trains on and its reports wait in the buffer until the next welcome.
        head.answersHeartbeats = false
        _ = try head.expect("second hello", timeout: 5) { $0.hello }
        try head.send(.decision(Decision(trialID: 30, epoch: 1, verdict: .continue)))
        let away = try head.collect(for: 1.0)
        XCTAssertFalse(away.contains { $0.isTrialMessage }, "reports are held while the head is away: \(away)")
        XCTAssertTrue(away.contains { $0.hello?.running == [30] }, "\(away)")
        head.answersHeartbeats = true
        try head.send(.welcome(welcome(heartbeatMillis: 100, lostAfterMillis: 500)))
        var epochs: [UInt32] = []
        let done = try head.expect("done after the head is back") { message -> TrialDone? in
            if let r = message.report(30) { epochs.append(r.epoch) }
            return message.done(30)
        }
        XCTAssertEqual(epochs, [2, 3])
        XCTAssertEqual(done.epoch, 3)

        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.headLost, 2)
        XCTAssertEqual(summary.finished, 1)
        XCTAssertTrue(worker.log.contains { $0.hasPrefix("head lost") }, "\(worker.log)")
        XCTAssertTrue(worker.log.contains { $0.hasPrefix("head back") }, "\(worker.log)")
    }
}

/// Cancelling trials, and a head that restarts on the same endpoint.
final class WorkerCancelAndRestartTests: WorkerTestCase {
    func testCancelStopsABuiltInTrialAndACommandAndNothingMoreIsSent() throws {
        let (worker, _) = try join(slots: 2)
        try head.send(.assign(assignment(40, maxEpochs: 5000)))
        _ = try head.expect("first report") { $0.report(40) }
        try head.send(.assign(assignment(41, family: "command", command: ["sh", "-c", "echo '{\"epoch\": 1, \"val_auc\": 0.5}'; exec sleep 30"])))
        _ = try head.expect("command's first report") { $0.report(41) }
        try head.send(.cancel(trialID: 40))
        try head.send(.cancel(trialID: 41))
        // Both leave the heartbeat's running list, and neither sends done or failed.
        let deadline = Date().addingTimeInterval(5)
        var after: [WireMessage] = []
        while Date() < deadline {
            guard let m = try head.next(timeout: 0.5) else { continue }
            after.append(m)
            if worker.log.filter({ $0.hasSuffix("cancelled") || $0.contains("cancelled after") || $0.contains("cancelled at") }).count >= 2 { break }
        }
        XCTAssertFalse(after.contains { $0.done(40) != nil || $0.failed(40) != nil || $0.done(41) != nil || $0.failed(41) != nil }, "\(after)")
        XCTAssertEqual(after.compactMap { $0.heartbeat }.last?.running, [])
        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.cancelled, 2)
        XCTAssertEqual(summary.finished + summary.failed, 0)
    }

    func testARestartedHeadOnTheSameEndpointGetsHelloWithTheRunningTrial() throws {
        let (worker, _) = try join(heartbeatMillis: 100, lostAfterMillis: 500, helloIntervalMillis: 300)
        try head.send(.assign(assignment(50, maxEpochs: 2, milestones: [1])))
        let milestone = try head.expect("milestone report") { $0.report(50) }
        let endpoint = head.endpoint
        head = nil  // the head dies
        var reborn: FakeHead?  // and comes back on its endpoint as soon as the port is free, empty-handed:
        waitUntil("the dead head's endpoint can be bound again", timeout: 5) {
            reborn = try? FakeHead(endpoint: endpoint)
            return reborn != nil
        }
        head = try XCTUnwrap(reborn)
        head.answersHeartbeats = false           // it ignores heartbeats from workers it does not know
        let hello = try head.expect("hello to the new head", timeout: 5) { $0.hello }
        XCTAssertEqual(hello.running, [50])
        head.answersHeartbeats = true
        try head.send(.welcome(welcome(heartbeatMillis: 100, lostAfterMillis: 500)))
        // The first head acknowledged the report but its decision never came: it goes again.
        let again = try head.expect("milestone report again") { $0.report(50) }
        XCTAssertEqual(again.unstamped, milestone.unstamped)
        try head.send(.decision(Decision(trialID: 50, epoch: 1, verdict: .continue)))
        XCTAssertEqual(try head.expect("done") { $0.done(50) }.epoch, 2)
        try head.send(.drain)
        XCTAssertEqual(try expectDrainAndReturn(worker).finished, 1)
    }

    /// Kills the fake head and brings an empty one back on its endpoint, silent until told.
    private func restartHead() throws {
        let endpoint = head.endpoint
        head = nil
        var reborn: FakeHead?
        waitUntil("the dead head's endpoint can be bound again", timeout: 5) {
            reborn = try? FakeHead(endpoint: endpoint)
            return reborn != nil
        }
        head = try XCTUnwrap(reborn)
        head.answersHeartbeats = false
        head.acknowledges = false
    }

    func testAFinishedTrialsDoneIsSentAgainToARestartedHeadUntilAHeadAcknowledgesIt() throws {
        let (worker, _) = try join(heartbeatMillis: 100, lostAfterMillis: 500, helloIntervalMillis: 300)
        // The head receives the done, then dies before it could commit it (no acknowledgement).
        head.answersHeartbeats = false
        head.acknowledges = false
        try head.send(.assign(assignment(60, maxEpochs: 2)))
        let done = try head.expect("done") { $0.done(60) }
        try restartHead()
        let hello = try head.expect("hello to the new head", timeout: 5) { $0.hello }
        XCTAssertEqual(hello.running, [60], "a done the head has not acknowledged keeps its trial in the hello")
        try head.send(.welcome(welcome(heartbeatMillis: 100, lostAfterMillis: 500)))
        XCTAssertEqual(try head.expect("the done again") { $0.done(60) }, done, "the same message, sequence number included")
        // Heartbeats alone acknowledge nothing: unacknowledged, the done goes again after the retransmit time.
        head.answersHeartbeats = true
        XCTAssertEqual(try head.expect("the done once more, unacknowledged") { $0.done(60) }, done)
        // This head commits it and says so. A later head is not told again.
        try head.send(.ack([DeliveryAck(trialID: 60, seq: done.seq)]))
        _ = try head.expect("a heartbeat after the acknowledgement") { $0.heartbeat }
        try restartHead()
        XCTAssertEqual(try head.expect("hello to the third head", timeout: 5) { $0.hello }.running, [])
        try head.send(.welcome(welcome(heartbeatMillis: 100, lostAfterMillis: 500)))
        head.answersHeartbeats = true
        try head.send(.drain)
        let summary = try expectDrainAndReturn(worker)
        XCTAssertEqual(summary.finished, 1)
    }

    func testACancelForAnUnconfirmedDoneMeansTheHeadHadItAndItIsNotListedAgain() throws {
        let (worker, _) = try join(heartbeatMillis: 100, lostAfterMillis: 500, helloIntervalMillis: 300)
        head.answersHeartbeats = false
        head.acknowledges = false
        try head.send(.assign(assignment(61, maxEpochs: 2)))
        _ = try head.expect("done") { $0.done(61) }
        try restartHead()
        XCTAssertEqual(try head.expect("hello", timeout: 5) { $0.hello }.running, [61])
        // A head that had recorded the end answers the listed trial with a cancel.
        try head.send(.cancel(trialID: 61))
        try head.send(.welcome(welcome(heartbeatMillis: 100, lostAfterMillis: 500)))
        // Both have reached the worker before this head goes (its socket drops what it has
        // not sent yet when it closes): its heartbeats no longer list the trial.
        _ = try head.expect("a heartbeat without the trial") { $0.heartbeat?.running == [] ? true : nil }
        try restartHead()
        XCTAssertEqual(try head.expect("hello after the cancel", timeout: 5) { $0.hello }.running, [])
        XCTAssertFalse(worker.log.contains { $0.contains("cancel for trial 61") }, "\(worker.log)")
        try head.send(.welcome(welcome(heartbeatMillis: 100, lostAfterMillis: 500)))
        head.answersHeartbeats = true
        try head.send(.drain)
        XCTAssertEqual(try expectDrainAndReturn(worker).finished, 1)
    }
}
