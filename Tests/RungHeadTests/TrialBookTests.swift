import Foundation
import RungCore
@testable import RungHead
import RungStore
import RungArtifacts
import RungWire
import RungLogging
import XCTest

/// The trial book in virtual time: every transition, driven directly with a clock that
/// moves only when a test says so. No sockets, no store, no sleeps.
final class TrialBookTests: XCTestCase {
    // MARK: - Harness

    /// A book, a virtual clock and everything the book asked for so far.
    struct Harness {
        var book: TrialBook
        var now = Date(timeIntervalSince1970: 1_700_000_000)
        /// Effects not yet looked at.
        var effects: [HeadEffect] = []

        init(retryLimit: Int = 2, firstTrialID: Int64 = 1) {
            book = TrialBook(settings: .init(heartbeatMillis: 1000, lostAfterMillis: 5000, retryLimit: retryLimit,
                                             artifactsURI: "/artifacts"),
                             firstTrialID: firstTrialID)
        }

        static func config(trials: Int = 4, scheduler: String = "{type: asha, max_epochs: 4, grace_period: 1, reduction_factor: 2}",
                           searcher: String = "{type: random}") throws -> SweepConfig {
            try SweepConfigParser.parse(yaml: """
                name: book
                seed: 3
                data: {prepared: /data}
                metric: {name: val_auc, mode: max}
                searcher: \(searcher)
                scheduler: \(scheduler)
                families:
                  xgboost:
                    trials: \(trials)
                    epoch: {rounds: 2}
                    space:
                      max_depth: {type: int, low: 2, high: 6}
                """, file: "book.yaml")
        }

        mutating func addSweep(id: Int64 = 1, _ config: SweepConfig) {
            book.add(SweepRuntime(id: id, config: config, data: SweepData(uri: "/data", version: "v1")))
        }

        /// Acknowledgements the book sent, by worker routing id (kept apart from `effects`).
        var acks: [(to: String, ack: DeliveryAck)] = []

        mutating func receive(_ message: WireMessage, from name: String, key: String? = nil) {
            for effect in book.receive(message, from: Array(name.utf8), key: key, now: now) {
                if case .send(.ack(let list), let to) = effect {
                    acks += list.map { (String(decoding: to, as: UTF8.self), $0) }
                } else {
                    effects.append(effect)
                }
            }
        }

        mutating func hello(_ name: String, slots: UInt32 = 1, running: [Int64] = []) {
            receive(.hello(WorkerHello(name: name, host: "h", slots: slots, families: ["xgboost"],
                                       running: running.map { UInt64(bitPattern: $0) })), from: name)
        }

        mutating func tick(advancing seconds: TimeInterval = 0) {
            now += seconds
            effects += book.tick(now: now)
        }

        /// Removes and returns the messages sent to `name`.
        mutating func sent(to name: String) -> [WireMessage] {
            let id = Array(name.utf8)
            var mine: [WireMessage] = []
            effects.removeAll { effect in
                guard case .send(let m, let to) = effect, to == id else { return false }
                mine.append(m)
                return true
            }
            return mine
        }

        /// Removes and returns the assignments sent to `name`.
        mutating func assignments(to name: String) -> [Assignment] {
            sent(to: name).compactMap { if case .assign(let a) = $0 { return a } else { return nil } }
        }

        /// The last saved row of each trial among the effects, and removes those effects.
        mutating func savedTrials() -> [Int64: TrialRecord] {
            var rows: [Int64: TrialRecord] = [:]
            effects.removeAll { effect in
                switch effect {
                case .createTrial(let r), .saveTrial(let r): rows[r.id] = r; return true
                default: return false
                }
            }
            return rows
        }

        mutating func report(_ id: UInt64, epoch: UInt32, value: Double, from name: String, milestone: Bool) {
            receive(.epochReport(EpochReport(trialID: id, epoch: epoch, seconds: 0.1, metrics: [WireMetric("val_auc", value)],
                                             atMilestone: milestone)), from: name)
        }

        mutating func done(_ id: UInt64, epoch: UInt32, value: Double, from name: String, checkpoint: String = "/ck") {
            receive(.done(TrialDone(trialID: id, epoch: epoch, metrics: [WireMetric("val_auc", value), WireMetric("test_auc", value)],
                                    checkpointURI: checkpoint)), from: name)
        }

        var logLines: [String] {
            effects.compactMap {
                if case .log(let l) = $0 { return l }
                if case .event(let e) = $0 { return e.text }
                return nil
            }
        }
    }

    // MARK: - Delivery

    func testEveryTrialMessageFromAWorkerIsAcknowledgedAppliedRepeatedOrStale() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 1))
        h.hello("w1")
        h.hello("w2")
        h.tick()
        let holder = try XCTUnwrap(h.book.worker(ofTrial: 1))
        let other = holder == "w1" ? "w2" : "w1"
        func report(_ epoch: UInt32, seq: UInt64) -> WireMessage {
            .epochReport(EpochReport(trialID: 1, epoch: epoch, seconds: 0.1, metrics: [WireMetric("val_auc", 0.6)],
                                     atMilestone: false, seq: seq))
        }
        h.receive(report(1, seq: 7), from: holder)
        h.receive(report(1, seq: 7), from: holder)  // a repeat (its ack was lost): acknowledged again
        h.receive(.failed(TrialFailed(trialID: 1, reason: "forged", seq: 3)), from: other)  // not its trial: dealt with
        h.receive(.done(TrialDone(trialID: 1, epoch: 4, metrics: [WireMetric("val_auc", 0.6)], checkpointURI: "/m", seq: 9)),
                  from: holder)
        h.receive(report(2, seq: 5), from: "stranger")  // a peer that has not said hello gets nothing
        XCTAssertEqual(h.acks.map { "\($0.to) \($0.ack.trialID)/\($0.ack.seq)" },
                       ["\(holder) 1/7", "\(holder) 1/7", "\(other) 1/3", "\(holder) 1/9"])
        XCTAssertEqual(h.book.status(ofTrial: 1), nil, "the trial finished once")
    }

    // MARK: - Assign

    func testFreeSlotsGetNewTrialsWithIDsTheBookAllocates() throws {
        var h = Harness(firstTrialID: 41)
        h.addSweep(try Harness.config())
        h.hello("w1", slots: 2)
        XCTAssertTrue(h.sent(to: "w1").contains { if case .welcome = $0 { return true } else { return false } })
        h.tick()
        let rows = h.savedTrials()
        XCTAssertEqual(rows.keys.sorted(), [41, 42])
        XCTAssertEqual(rows.values.map(\.status), [.running, .running])
        XCTAssertEqual(Set(rows.values.map(\.number)), [0, 1])
        let assigned = h.assignments(to: "w1")
        XCTAssertEqual(assigned.map(\.trialID), [41, 42])
        XCTAssertEqual(assigned.first?.milestones, [1, 2, 4])
        XCTAssertEqual(h.book.trials(onWorker: "w1"), [41, 42])
        // Both slots are busy: another pass starts nothing.
        h.tick()
        XCTAssertTrue(h.assignments(to: "w1").isEmpty)
    }

    func testEachNewTrialRowKeepsWhatTheSearcherWasFittedOn() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 2, searcher: "{type: tpe, startup_trials: 1}"))
        h.hello("w1")
        h.tick()
        XCTAssertEqual(h.savedTrials()[1]?.suggestionFit, .random, "the start-up trial is drawn at random")
        for epoch in 1...3 as ClosedRange<UInt32> {
            h.report(1, epoch: epoch, value: 0.6 + Double(epoch) / 100, from: "w1", milestone: epoch != 3)
        }
        h.done(1, epoch: 4, value: 0.65, from: "w1")
        h.tick()
        let second = try XCTUnwrap(h.savedTrials()[2])
        XCTAssertEqual(second.number, 1)
        // One trial's results at epochs 1, 2 and 4; no rung has the 3 results one dimension
        // needs, so TPE fits the lowest.
        XCTAssertEqual(second.suggestionFit, .rung(epoch: 1, observations: 1))
    }

    // MARK: - Report

    func testAMilestoneReportIsRecordedAndAnsweredAndARepeatGetsTheSameAnswerWithoutAnotherResult() throws {
        var h = Harness()
        h.addSweep(try Harness.config())
        h.hello("w1")
        h.tick()
        _ = h.sent(to: "w1")
        h.effects.removeAll()
        h.report(1, epoch: 1, value: 0.7, from: "w1", milestone: true)
        XCTAssertEqual(h.effects.filter { if case .recordEpoch = $0 { return true } else { return false } }.count, 1)
        XCTAssertEqual(h.sent(to: "w1"), [.decision(Decision(trialID: 1, epoch: 1, verdict: .continue))])
        XCTAssertEqual(h.savedTrials()[1]?.lastEpoch, 1)
        let started = h.book.sweeps[1]!.families[0].tuner
        // The worker reconnected and asks again: the same decision, and the tuner is not fed twice.
        h.effects.removeAll()
        h.report(1, epoch: 1, value: 0.7, from: "w1", milestone: true)
        XCTAssertEqual(h.sent(to: "w1"), [.decision(Decision(trialID: 1, epoch: 1, verdict: .continue))])
        XCTAssertEqual(h.book.sweeps[1]!.families[0].tuner.started, started.started)
        XCTAssertEqual(h.book.live[1]?.fedEpoch, 1)
    }

    func testTheSchedulerStopsATrialBelowTheRungsCutoff() throws {
        var h = Harness()
        h.addSweep(try Harness.config())
        h.hello("w1", slots: 4)
        h.tick()
        XCTAssertEqual(h.assignments(to: "w1").count, 4)
        h.effects.removeAll()
        for (id, value) in [(1, 0.9), (2, 0.8), (3, 0.7)] as [(UInt64, Double)] {
            h.report(id, epoch: 1, value: value, from: "w1", milestone: true)
        }
        h.effects.removeAll()
        h.report(4, epoch: 1, value: 0.1, from: "w1", milestone: true)
        XCTAssertEqual(h.sent(to: "w1"), [.decision(Decision(trialID: 4, epoch: 1, verdict: .stop))])
        let row = try XCTUnwrap(h.savedTrials()[4])
        XCTAssertEqual(row.status, .stopped)
        XCTAssertEqual(row.reason, "stopped by asha at epoch 1")
        XCTAssertEqual(row.finishedAt, h.now)
        XCTAssertNil(h.book.status(ofTrial: 4))
        XCTAssertFalse(h.book.trials(onWorker: "w1").contains(4))
    }

    // MARK: - Done

    func testDoneFinishesATrialOnceAndADuplicateChangesNothing() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 2, scheduler: "{type: fifo, max_epochs: 2}"))
        h.hello("w1")
        h.tick()
        h.effects.removeAll()
        h.report(1, epoch: 1, value: 0.6, from: "w1", milestone: false)
        h.report(1, epoch: 2, value: 0.7, from: "w1", milestone: true)
        h.effects.removeAll()
        h.done(1, epoch: 2, value: 0.7, from: "w1")
        let row = try XCTUnwrap(h.savedTrials()[1])
        XCTAssertEqual(row.status, .finished)
        XCTAssertEqual(row.finalMetrics?["test_auc"], 0.7)
        XCTAssertEqual(row.checkpointURI, "/ck")
        XCTAssertTrue(h.logLines.contains { $0.hasPrefix("trial 1 (xgboost #0) finished: val_auc 0.7000") })
        // The call site names the sweep, trial and worker (swift-log metadata with --log-format).
        let finished = h.effects.compactMap { effect -> LogLine? in
            if case .event(let e) = effect, e.text.hasPrefix("trial 1 ") { return e } else { return nil }
        }
        XCTAssertEqual(finished.map(\.trial), [1])
        XCTAssertEqual(finished.map(\.worker), ["w1"])
        XCTAssertEqual(finished.map(\.sweep), [row.sweepID])
        XCTAssertTrue(h.book.trials(onWorker: "w1").isEmpty)
        h.effects.removeAll()
        h.done(1, epoch: 2, value: 0.7, from: "w1")
        XCTAssertEqual(h.effects, [], "a duplicate done must not save, send or log anything")
        // The freed slot takes the next trial.
        h.tick()
        XCTAssertEqual(h.assignments(to: "w1").map(\.trialID), [2])
    }

    func testADoneWhoseLastReportWasLostRecordsThatEpochFromTheDone() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 1, scheduler: "{type: fifo, max_epochs: 2}"))
        h.hello("w1")
        h.tick()
        h.report(1, epoch: 1, value: 0.6, from: "w1", milestone: false)
        h.effects.removeAll()
        h.done(1, epoch: 2, value: 0.65, from: "w1")
        let epochs = h.effects.compactMap { if case .recordEpoch(let e) = $0 { return e } else { return nil } }
        XCTAssertEqual(epochs.map(\.epoch), [2])
        XCTAssertEqual(epochs.first?.metrics, ["val_auc": 0.65], "only validation metrics become the epoch's result")
    }

    // MARK: - Failed and retries

    func testAFailedTrialRunsAgainUntilItsRetriesAreUsedUp() throws {
        var h = Harness(retryLimit: 1)
        h.addSweep(try Harness.config(trials: 1))
        h.hello("w1")
        h.tick()
        _ = h.assignments(to: "w1")
        h.effects.removeAll()
        h.receive(.failed(TrialFailed(trialID: 1, reason: "out of memory")), from: "w1")
        var row = try XCTUnwrap(h.savedTrials()[1])
        XCTAssertEqual(row.status, .pending)
        XCTAssertEqual(row.retries, 1)
        XCTAssertNil(row.worker)
        // Same trial, same id: no new row, a restart from scratch.
        h.tick()
        XCTAssertFalse(h.effects.contains { if case .createTrial = $0 { return true } else { return false } })
        let again = h.assignments(to: "w1")
        XCTAssertEqual(again.map(\.trialID), [1])
        XCTAssertEqual(again.first?.startEpoch, 0)
        h.effects.removeAll()
        h.receive(.failed(TrialFailed(trialID: 1, reason: "out of memory")), from: "w1")
        row = try XCTUnwrap(h.savedTrials()[1])
        XCTAssertEqual(row.status, .failed)
        XCTAssertEqual(row.reason, "out of memory")
        XCTAssertNil(h.book.status(ofTrial: 1))
        // The family's only trial failed: the sweep ends.
        h.tick()
        XCTAssertTrue(h.effects.contains { if case .sweepEnded(let end) = $0 { return end.sweepID == 1 && !end.cancelled } else { return false } })
    }

    func testAFailureReportedByAnotherWorkerIsIgnored() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 1))
        h.hello("w1")
        h.hello("w2")
        h.tick()
        h.effects.removeAll()
        let holder = try XCTUnwrap(h.book.worker(ofTrial: 1))
        let other = holder == "w1" ? "w2" : "w1"
        h.receive(.failed(TrialFailed(trialID: 1, reason: "forged")), from: other)
        XCTAssertEqual(h.effects, [.dropped(reason: "failed about trial 1, which runs on worker \(holder), not on \(other)",
                                            from: Array(other.utf8))])
        XCTAssertEqual(h.book.status(ofTrial: 1), .running)
        h.effects.removeAll()
        h.receive(.done(TrialDone(trialID: 99, epoch: 1, metrics: [])), from: other)
        XCTAssertEqual(h.effects, [.dropped(reason: "done about trial 99, which does not exist", from: Array(other.utf8))])
    }

    func testACommandWhoseReportLacksTheSweepMetricFailsAtOnceWithoutARetry() throws {
        var h = Harness()
        h.addSweep(try SweepConfigParser.parse(yaml: """
            name: mine
            data: {prepared: /data}
            metric: {name: val_score, mode: max}
            scheduler: {type: fifo, max_epochs: 3}
            families:
              mine: {command: [python3, train.py], trials: 1}
            """, file: "mine.yaml"))
        h.receive(.hello(WorkerHello(name: "w1", host: "h", slots: 1, families: ["command"])), from: "w1")
        h.tick()
        XCTAssertEqual(h.book.status(ofTrial: 1), .running)
        h.effects.removeAll()
        h.receive(.epochReport(EpochReport(trialID: 1, epoch: 1, seconds: 0.1, metrics: [WireMetric("val_auc", 0.7)],
                                           atMilestone: false)), from: "w1")
        XCTAssertEqual(h.sent(to: "w1"), [.cancel(trialID: 1)])
        let row = try XCTUnwrap(h.savedTrials()[1])
        XCTAssertEqual(row.status, .failed)
        XCTAssertEqual(row.retries, 0)
        XCTAssertTrue(row.reason?.hasPrefix("its epoch 1 report has no val_score (it reported val_auc)") ?? false, row.reason ?? "")
        XCTAssertNil(h.book.status(ofTrial: 1))
    }

    func testAHelloClaimingMoreSlotsThanTheCapIsRefused() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 2))
        h.hello("greedy", slots: 1_000_000)
        XCTAssertEqual(h.book.workerCount, 0)
        XCTAssertEqual(h.sent(to: "greedy"), [], "no welcome")
        XCTAssertTrue(h.effects.contains { if case .dropped(let r, _) = $0 { return r.contains("claims 1000000 slots") } else { return false } })
        h.tick()
        XCTAssertEqual(h.assignments(to: "greedy"), [])
        h.hello("fine", slots: 4)
        XCTAssertEqual(h.book.workerCount, 1)
    }

    // MARK: - Lost workers

    func testASilentWorkerIsLostAndItsTrialRunsElsewhere() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 1))
        h.hello("w1")
        h.tick()
        XCTAssertEqual(h.assignments(to: "w1").map(\.trialID), [1])
        h.hello("w2")
        // w2 keeps talking; w1 says nothing for longer than lostAfter (5 s).
        for _ in 0..<6 {
            h.tick(advancing: 1)
            h.receive(.heartbeat(Heartbeat()), from: "w2")
        }
        XCTAssertTrue(h.effects.contains { if case .saveWorker(let w) = $0 { return w.name == "w1" && w.status == .lost } else { return false } })
        XCTAssertTrue(h.logLines.contains("worker w1 lost (silent for 5000 ms); requeueing 1 trial(s)"))
        XCTAssertEqual(h.assignments(to: "w2").map(\.trialID), [1])
        XCTAssertEqual(h.book.worker(ofTrial: 1), "w2")
        // w1's late report about the trial is not a hello: it is dropped, not applied.
        h.effects.removeAll()
        h.report(1, epoch: 1, value: 0.9, from: "w1", milestone: false)
        XCTAssertFalse(h.effects.contains { if case .recordEpoch = $0 { return true } else { return false } })
    }

    func testAHelloWithoutATrialTheHeadGaveTheWorkerRequeuesItAndAnUnknownOneIsCancelled() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 1))
        h.hello("w1")
        h.tick()
        _ = h.assignments(to: "w1")
        h.effects.removeAll()
        // w1 restarted: it no longer runs trial 1, and claims a trial 99 the head never gave it.
        h.hello("w1", running: [99])
        XCTAssertEqual(h.savedTrials()[1]?.status, .pending)
        XCTAssertTrue(h.sent(to: "w1").contains(.cancel(trialID: 99)))
    }

    // MARK: - Restart, re-attach, orphan results

    func testARestoredRunningTrialWaitsForItsWorkerAndIsReattachedNotRunTwice() throws {
        var h = Harness()
        let config = try Harness.config(trials: 1)
        let t0 = h.now
        let running = TrialRecord(id: 7, sweepID: 1, family: "xgboost", number: 0, paramsJSON: #"{"max_depth":3,"rounds":2}"#,
                                  seed: 1, status: .running, worker: "w1", lastEpoch: 1, createdAt: t0, startedAt: t0)
        let epoch = EpochRecord(trialID: 7, epoch: 1, seconds: 0.1, metrics: ["val_auc": 0.7], recordedAt: t0)
        h.effects += h.book.restore(SweepRuntime(id: 1, config: config, data: SweepData(uri: "/data", version: "v1")),
                                    trials: [running], epochs: [epoch], now: h.now)
        XCTAssertEqual(h.savedTrials()[7]?.status, .pending)
        XCTAssertEqual(h.book.nextTrialID, 8)
        h.book.holdRestarts(until: h.now + 14)
        // Another worker is free, but the trial is held for its own worker.
        h.hello("w2")
        h.tick(advancing: 5)
        XCTAssertTrue(h.assignments(to: "w2").isEmpty)
        // w1 comes back late, still running trial 7: re-attached, not reassigned.
        h.hello("w1", running: [7])
        XCTAssertEqual(h.savedTrials()[7].map { [$0.status.rawValue, $0.worker ?? ""] }, ["running", "w1"])
        XCTAssertFalse(h.sent(to: "w1").contains(.cancel(trialID: 7)))
        h.tick(advancing: 20)
        XCTAssertTrue(h.assignments(to: "w2").isEmpty, "a re-attached trial must not run a second time")
        // Its next milestone goes on from the replayed epoch.
        h.report(7, epoch: 2, value: 0.72, from: "w1", milestone: true)
        XCTAssertEqual(h.book.live[7]?.fedEpoch, 2)
    }

    func testAResultArrivingBeforeTheWorkersHelloIsAdopted() throws {
        var h = Harness()
        let config = try Harness.config(trials: 1, scheduler: "{type: fifo, max_epochs: 2}")
        let running = TrialRecord(id: 3, sweepID: 1, family: "xgboost", number: 0, paramsJSON: #"{"max_depth":3}"#,
                                  seed: 1, status: .running, worker: "w1", lastEpoch: 1)
        h.effects += h.book.restore(SweepRuntime(id: 1, config: config, data: SweepData(uri: "/data", version: "v1")),
                                    trials: [running], epochs: [], now: h.now)
        h.book.holdRestarts(until: h.now + 14)
        h.effects.removeAll()
        // The worker's `done` (its trial's last words) arrives before its new hello.
        h.done(3, epoch: 2, value: 0.71, from: "w1")
        XCTAssertEqual(h.savedTrials()[3]?.status, .finished)
        XCTAssertFalse(h.effects.contains { if case .dropped = $0 { return true } else { return false } })
        // A result for a trial the head is not holding is dropped and counted.
        h.done(9, epoch: 2, value: 0.5, from: "stranger")
        XCTAssertTrue(h.effects.contains { if case .dropped(let reason, _) = $0 { return reason == "done from a peer that has not said hello" } else { return false } })
    }

    // MARK: - Cancel

    func testACancelRacingAMilestoneStopsTheTrialAndTheLateReportGetsStop() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 2))
        h.hello("w1", slots: 2)
        h.tick()
        _ = h.assignments(to: "w1")
        h.effects += try XCTUnwrap(h.book.cancel(sweepID: 1, now: h.now))
        XCTAssertEqual(h.sent(to: "w1"), [.cancel(trialID: 1), .cancel(trialID: 2)])
        XCTAssertEqual(h.savedTrials().values.map(\.status), [.cancelled, .cancelled])
        // The worker had already sent its milestone report: it is told to stop, nothing is recorded.
        h.report(1, epoch: 1, value: 0.8, from: "w1", milestone: true)
        XCTAssertEqual(h.sent(to: "w1"), [.decision(Decision(trialID: 1, epoch: 1, verdict: .stop))])
        XCTAssertFalse(h.effects.contains { if case .recordEpoch = $0 { return true } else { return false } })
        h.tick()
        XCTAssertTrue(h.effects.contains { if case .sweepEnded(let end) = $0 { return end.cancelled } else { return false } })
        XCTAssertNil(h.book.cancel(sweepID: 1, now: h.now), "an ended sweep cannot be cancelled again")
    }

    // MARK: - Pause and promote

    func testAPausedTrialIsPromotedFromItsCheckpoint() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 2, scheduler: "{type: asha, mode: promote, max_epochs: 4, grace_period: 1, reduction_factor: 2}"))
        h.hello("w1")
        for (id, value) in [(1, 0.9), (2, 0.6)] as [(UInt64, Double)] {
            h.tick()
            XCTAssertEqual(h.assignments(to: "w1").map(\.trialID), [id])
            h.report(id, epoch: 1, value: value, from: "w1", milestone: true)
            XCTAssertEqual(h.sent(to: "w1"), [.decision(Decision(trialID: id, epoch: 1, verdict: .pause))])
            h.done(id, epoch: 1, value: value, from: "w1", checkpoint: "/ck/\(id)")
            XCTAssertEqual(h.savedTrials()[Int64(id)]?.status, .paused)
        }
        h.tick()
        let promoted = try XCTUnwrap(h.assignments(to: "w1").first)
        XCTAssertEqual(promoted.trialID, 1, "the better paused trial goes up a rung")
        XCTAssertEqual(promoted.startEpoch, 1)
        XCTAssertEqual(promoted.checkpointURI, "/ck/1")
        XCTAssertEqual(h.book.status(ofTrial: 1), .running)
    }

    // MARK: - Drain

    func testADrainedWorkerLeavesAndItsTrialRunsAgain() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 1))
        h.hello("w1")
        h.tick()
        _ = h.assignments(to: "w1")
        h.effects += try XCTUnwrap(h.book.drain(worker: "w1"))
        XCTAssertEqual(h.sent(to: "w1"), [.drain])
        XCTAssertNil(h.book.drain(worker: "nobody"))
        h.receive(.drain, from: "w1")
        XCTAssertTrue(h.logLines.contains("worker w1 left (drained)"))
        XCTAssertEqual(h.savedTrials()[1]?.status, .pending)
        XCTAssertEqual(h.book.workerCount, 0)
    }

    func testAWorkerThatSaysItIsDrainingKeepsItsTrialAndIsGivenNoOther() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 3, scheduler: "{type: fifo, max_epochs: 1}"))
        h.hello("w1", slots: 1)
        h.tick()
        let first = try XCTUnwrap(h.assignments(to: "w1").first)
        h.receive(.draining, from: "w1")
        h.receive(.draining, from: "w1")  // said again with every heartbeat: logged once
        XCTAssertEqual(h.logLines.filter { $0.hasPrefix("worker w1 is draining") }.count, 1, "\(h.logLines)")
        h.done(first.trialID, epoch: 1, value: 0.8, from: "w1")
        XCTAssertEqual(h.savedTrials()[Int64(first.trialID)]?.status, .finished, "its running trial still counts")
        h.tick(advancing: 1)
        XCTAssertEqual(h.assignments(to: "w1"), [], "the freed slot of a draining worker is offered nothing")
        // A second worker takes the rest.
        h.hello("w2", slots: 1)
        h.tick()
        XCTAssertEqual(h.assignments(to: "w2").count, 1)
    }

    // MARK: - The transition table

    func testTheTableRefusesEveryMoveOutOfAnEndedTrial() {
        for transition in TrialTransition.allCases {
            for status in TrialRecord.Status.allCases where status.isTerminal {
                XCTAssertFalse(transition.from.contains(status), "\(transition) must not leave \(status)")
            }
            XCTAssertFalse(transition.from.isEmpty)
        }
        XCTAssertEqual(TrialTransition.promote.from, [.paused])
        XCTAssertEqual(TrialTransition.finish.from, [.running])
    }

    func testAnIllegalMoveChangesNothingAndIsLogged() throws {
        var h = Harness()
        h.addSweep(try Harness.config(trials: 2, scheduler: "{type: asha, mode: promote, max_epochs: 4, grace_period: 1, reduction_factor: 2}"))
        h.hello("w1")
        h.tick()
        h.report(1, epoch: 1, value: 0.9, from: "w1", milestone: true)
        h.done(1, epoch: 1, value: 0.9, from: "w1")
        XCTAssertEqual(h.book.status(ofTrial: 1), .paused)
        h.effects.removeAll()
        let effects = h.book.transition { book in _ = book.move(1, by: .finish, now: h.now) }
        XCTAssertEqual(effects, [.log("trial 1: refused to finish a paused trial")])
        XCTAssertEqual(h.book.status(ofTrial: 1), .paused)
    }
}
