import Foundation
import RungCore
import RungWire
import XCTest

/// The typed control protocol: requests and replies survive the JSON of a frame unchanged,
/// and every malformed request is answered with an error that names what is wrong.
final class ControlCodecTests: XCTestCase {
    private func roundTrip<R: ControlRequest & Equatable>(_ request: R, file: StaticString = #filePath, line: UInt = #line) throws {
        let json = try ControlCodec.encode(request: request)
        XCTAssertEqual(try ControlCodec.header(of: json), ControlCodec.Header(op: R.op, version: 1), json, file: file, line: line)
        XCTAssertEqual(try ControlCodec.decode(R.self, from: json), request, json, file: file, line: line)
    }

    private func replyRoundTrip<R: ControlReply & Equatable>(_ reply: R, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let json = ControlCodec.encode(reply: reply)
        XCTAssertEqual(try ControlCodec.decode(reply: R.self, from: json), reply, json, file: file, line: line)
        return json
    }

    private func requestError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> RungError? {
        do {
            switch try ControlCodec.header(of: json).op {
            case .submit: _ = try ControlCodec.decode(SubmitSweepRequest.self, from: json)
            case .cancel: _ = try ControlCodec.decode(CancelSweepRequest.self, from: json)
            case .sweep: _ = try ControlCodec.decode(SweepStateRequest.self, from: json)
            case .status: _ = try ControlCodec.decode(HeadStatusRequest.self, from: json)
            case .top: _ = try ControlCodec.decode(TopSnapshotRequest.self, from: json)
            case .drain: _ = try ControlCodec.decode(DrainWorkerRequest.self, from: json)
            case .workers: _ = try ControlCodec.decode(StoreWorkersRequest.self, from: json)
            case .records: _ = try ControlCodec.decode(SweepRecordsRequest.self, from: json)
            }
            XCTFail("\(json) was accepted", file: file, line: line)
            return nil
        } catch let error as RungError {
            return error
        } catch {
            XCTFail("\(json): not a RungError: \(error)", file: file, line: line)
            return nil
        }
    }

    func testEveryRequestSurvivesItsJSON() throws {
        try roundTrip(SubmitSweepRequest(config: "name: s\n", path: "/etc/rung/sweep.yaml", data: "/data/splits"))
        try roundTrip(SubmitSweepRequest(config: "name: s\n"))
        try roundTrip(CancelSweepRequest(sweep: 42))
        try roundTrip(SweepRecordsRequest(sweep: 7, details: false))
        try roundTrip(SweepRecordsRequest())
        try roundTrip(SweepStateRequest(sweep: 7))
        try roundTrip(HeadStatusRequest())
        try roundTrip(TopSnapshotRequest(sweep: 3, family: "xgboost", sort: "duration", limit: 50))
        try roundTrip(TopSnapshotRequest())
        try roundTrip(DrainWorkerRequest(worker: "w1"))
        try roundTrip(StoreWorkersRequest())
    }

    func testARequestCarriesItsOpAndVersionWithSortedKeys() throws {
        XCTAssertEqual(try ControlCodec.encode(request: SubmitSweepRequest(config: "c", path: "a/b.yaml")),
                       #"{"config":"c","op":"submit","path":"a/b.yaml","v":1}"#)
        XCTAssertEqual(try ControlCodec.encode(request: HeadStatusRequest()), #"{"op":"status","v":1}"#)
        XCTAssertEqual(try ControlCodec.encode(request: CancelSweepRequest(sweep: 9)), #"{"op":"cancel","sweep":9,"v":1}"#)
    }

    func testARequestWithoutAVersionIsVersionOne() throws {
        XCTAssertEqual(try ControlCodec.header(of: #"{"op":"cancel","sweep":4}"#), ControlCodec.Header(op: .cancel, version: 1))
        XCTAssertEqual(try ControlCodec.decode(CancelSweepRequest.self, from: #"{"op":"cancel","sweep":4}"#), CancelSweepRequest(sweep: 4))
    }

    func testANewerVersionIsRefusedClearly() {
        let error = requestError(#"{"op":"status","v":2}"#)
        XCTAssertEqual(error?.kind, .unavailable)
        XCTAssertTrue(error?.message.contains("version 2") ?? false, "\(String(describing: error))")
        XCTAssertTrue(error?.message.contains("speaks version 1") ?? false, "\(String(describing: error))")
        XCTAssertEqual(requestError(#"{"op":"status","v":0}"#)?.message, "\"v\" must be 1 or more (the control protocol version), not 0")
        XCTAssertEqual(requestError(#"{"op":"status","v":"one"}"#)?.message, "\"v\" must be a whole number (the control protocol version, 1 here)")
    }

    func testAnUnknownOpNamesTheKnownOnes() {
        let error = requestError(#"{"op":"frobnicate"}"#)
        XCTAssertEqual(error, RungError.badInput("unknown op frobnicate; known: submit, cancel, sweep, status, top, drain, workers, records"))
    }

    func testSomethingThatIsNotARequestIsRefused() {
        for json in ["[1,2]", "not json", #"{"sweep":1}"#, "{}", "42"] {
            XCTAssertEqual(requestError(json), RungError.badInput("a control request must be a JSON object with an \"op\""), json)
        }
        XCTAssertEqual(requestError(#"{"op":5}"#)?.message.hasPrefix("\"op\" must be a string"), true)
    }

    func testMissingOrMistypedFieldsAreNamed() {
        XCTAssertEqual(requestError(#"{"op":"submit"}"#), RungError.badInput("submit needs \"config\" (the sweep YAML text)"))
        XCTAssertEqual(requestError(#"{"op":"submit","config":null}"#), RungError.badInput("submit needs \"config\" (the sweep YAML text)"))
        XCTAssertEqual(requestError(#"{"op":"cancel"}"#), RungError.badInput("cancel needs \"sweep\" (a sweep id)"))
        XCTAssertEqual(requestError(#"{"op":"cancel","sweep":"four"}"#),
                       RungError.badInput("cancel: \"sweep\" (a sweep id) must be a whole number"))
        XCTAssertEqual(requestError(#"{"op":"drain","v":1}"#), RungError.badInput("drain needs \"worker\" (a worker's name)"))
        XCTAssertEqual(requestError(#"{"op":"top","limit":"all"}"#),
                       RungError.badInput("top: \"limit\" (the most trials to send, at most 200) must be a whole number"))
    }

    func testErrorRepliesKeepTheirShapeAndKind() throws {
        XCTAssertEqual(ControlCodec.encode(error: .badInput("sweep 3 is not running")), #"{"error":"sweep 3 is not running","kind":"badInput"}"#)
        XCTAssertThrowsError(try ControlCodec.decode(reply: SweepIDReply.self, from: #"{"error":"gone","kind":"unavailable"}"#)) {
            XCTAssertEqual($0 as? RungError, RungError.unavailable("gone"))
        }
        // An old head's error without a kind, or a kind from a newer head, is bad input (exit 65) as before.
        for json in [#"{"error":"no"}"#, #"{"error":"no","kind":"cosmic"}"#] {
            XCTAssertThrowsError(try ControlCodec.decode(reply: ControlOK.self, from: json)) {
                XCTAssertEqual($0 as? RungError, RungError.badInput("no"), json)
            }
        }
        XCTAssertThrowsError(try ControlCodec.decode(reply: SweepIDReply.self, from: #"{"ok":true}"#)) {
            XCTAssertTrue($0 is DecodingError, "a reply without its fields is unreadable, not an error reply: \($0)")
        }
    }

    func testSmallRepliesSurviveTheirJSON() throws {
        XCTAssertEqual(try replyRoundTrip(SweepIDReply(sweep: 12)), #"{"ok":true,"sweep":12}"#)
        XCTAssertEqual(try replyRoundTrip(ControlOK()), #"{"ok":true}"#)
        let workers = StoreWorkers(store: "sqlite:/var/lib/rung/rung.db",
                                   workers: [WorkerRecord(name: "w1", host: "h", slots: 2, status: .lost,
                                                          firstSeen: Date(timeIntervalSince1970: 1_700_000_000),
                                                          lastSeen: Date(timeIntervalSince1970: 1_700_000_060.5))])
        XCTAssertEqual(try replyRoundTrip(workers),
                       #"{"ok":true,"store":"sqlite:/var/lib/rung/rung.db","workers":[{"firstSeen":1700000000,"host":"h","lastSeen":1700000060.5,"name":"w1","slots":2,"status":"lost"}]}"#)
    }

    func testTheSweepReplyCarriesItsProgressFlatAndOnlyWhenKnown() throws {
        let bare = try replyRoundTrip(SweepStateReply(sweep: 5, name: "s", status: "finished", message: ""))
        XCTAssertEqual(bare, #"{"message":"","name":"s","ok":true,"status":"finished","sweep":5}"#)
        let progress = SweepStateReply.Progress(trials: ["finished": 3, "running": 1], budget: 8, metric: "val_auc",
                                                best: ["xgboost": 0.71, "random_forest": nil], workers: 2)
        let full = try replyRoundTrip(SweepStateReply(sweep: 5, name: "s", status: "running", message: "", progress: progress))
        XCTAssertTrue(full.contains(#""best":{"random_forest":null,"xgboost":0.71}"#), full)
        XCTAssertTrue(full.contains(#""trials":{"finished":3,"running":1}"#), full)
        XCTAssertTrue(full.contains(#""budget":8"#) && full.contains(#""metric":"val_auc""#) && full.contains(#""workers":2"#), full)
    }

    func testTheStatusReplyLeavesOutWhatTheHeadDoesNotHave() throws {
        let status = HeadStatus(
            sweeps: [.init(id: 1, name: "s", families: [.init(name: "xgboost", started: 4, budget: 10, running: 2, queued: 1, paused: 0)])],
            workers: [.init(name: "w1", host: "h", slots: 2, busy: 2, draining: false, lastHeardMs: 40)],
            droppedFrames: ["bad_magic": 3])
        let json = try replyRoundTrip(status)
        XCTAssertFalse(json.contains("refused_handshakes"), json)
        XCTAssertFalse(json.contains("\"key\""), json)
        XCTAssertTrue(json.contains(#""dropped_frames":{"bad_magic":3}"#) && json.contains(#""last_heard_ms":40"#), json)
        var secure = status
        secure.refusedHandshakes = 2
        secure.workers[0].key = "worker-1"
        let secureJSON = try replyRoundTrip(secure)
        XCTAssertTrue(secureJSON.contains(#""refused_handshakes":2"#) && secureJSON.contains(#""key":"worker-1""#), secureJSON)
    }

    func testTheTopSnapshotSendsUnknownValuesAsNull() throws {
        let family = TopSnapshot.Family(name: "xgboost", budget: 10, started: 3, finished: 1, running: 1, pending: 8, paused: 0,
                                        stopped: 1, failed: 0, cancelled: 0, maxEpochs: 27, best: .nan, bestTrial: nil,
                                        history: [nil, 0.6, .infinity])
        let sweep = TopSnapshot.Sweep(id: 2, name: "s", status: "running", message: "", metric: "val_auc", mode: "max",
                                      elapsedSeconds: 12.5, totals: ["budget": 10], best: nil, bestFamily: nil, bestTrial: nil,
                                      families: [family])
        let trial = TopSnapshot.Trial(id: 9, number: 0, family: "xgboost", status: "running", epoch: 3, maxEpochs: 27, rung: nil,
                                      metric: 0.6, params: [["eta", "0.1"]], worker: nil, seconds: nil)
        let worker = TopSnapshot.Worker(name: "w1", host: "h", slots: 1, busy: 1, draining: false, trials: [9], lastHeardMs: 5,
                                        utilisation: nil)
        let snapshot = TopSnapshot(now: 1_700_000_000.25, endpoint: "tcp://127.0.0.1:7770", sweeps: [sweep], workers: [worker],
                                   sweep: 2, family: nil, sort: "metric", trials: [trial], trialsTotal: 1)
        let json = try replyRoundTrip(snapshot)
        for fragment in [#""family":null"#, #""best_family":null"#, #""rung":null"#, #""worker":null"#, #""utilisation":null"#,
                         #""history":[null,0.6,null]"#, #""best":null"#, #""trials_total":1"#, #""endpoint":"tcp://127.0.0.1:7770""#] {
            XCTAssertTrue(json.contains(fragment), "\(fragment) in \(json)")
        }
        XCTAssertEqual(try ControlCodec.decode(reply: TopSnapshot.self, from: json).selected?.name, "s")
        let empty = try replyRoundTrip(TopSnapshot(now: 1, endpoint: "e", sweeps: [], workers: [], sweep: nil, family: nil,
                                                   sort: "id", trials: [], trialsTotal: 0))
        XCTAssertTrue(empty.contains(#""sweep":null"#), empty)
    }

    func testRecordsKeepNaNMetricsAndExactDatesAndAMissingDetailsFieldIsNamed() throws {
        let at = Date(timeIntervalSince1970: 1_790_000_000.25)
        let reply = SweepRecords(
            store: "sqlite:/srv/rung.db",
            sweeps: [SweepRecord(id: 3, name: "s", configYAML: "name: s\n", seed: 1, status: .running, createdAt: at, dataURI: "s3://b/p")],
            studies: [StudyRecord(sweepID: 3, family: "xgboost", trialBudget: 4, createdAt: at)],
            trials: [TrialRecord(id: 9, sweepID: 3, family: "xgboost", number: 0, paramsJSON: "{}", seed: 2, createdAt: at,
                                 finalMetrics: ["val_auc": .nan, "test_auc": .infinity])],
            epochs: [EpochRecord(trialID: 9, epoch: 1, seconds: .nan, metrics: ["val_auc": .nan], recordedAt: at)])
        let json = ControlCodec.encode(reply: reply)
        let back = try ControlCodec.decode(reply: SweepRecords.self, from: json)
        XCTAssertEqual(back.sweeps, reply.sweeps)
        XCTAssertEqual(back.studies, reply.studies)
        XCTAssertEqual(back.trials.first?.finalMetrics?["val_auc"]?.isNaN, true)
        XCTAssertEqual(back.trials.first?.finalMetrics?["test_auc"], .infinity)
        XCTAssertEqual(back.epochs.first?.metrics["val_auc"]?.isNaN, true)
        XCTAssertEqual(back.epochs.first?.seconds.isNaN, true)
        XCTAssertEqual(back.epochs.first?.recordedAt, at)
        XCTAssertTrue(json.contains(#""val_auc":"nan""#), json)
        XCTAssertTrue(json.contains("1790000000.25"), json)
        XCTAssertEqual(requestError(#"{"op":"records","details":"yes"}"#)?.message,
                       #"records: "details" (whether to send studies, trials and epochs) must be true or false"#)
    }
}

/// Numbers in control requests that no sweep, worker or table could have.
final class ControlNumberRangeTests: XCTestCase {
    private func refusal<R: ControlRequest>(_ type: R.Type, _ json: String) -> String? {
        do {
            _ = try ControlCodec.decode(type, from: json)
            return nil
        } catch let error as RungError {
            XCTAssertEqual(error.kind, .badInput)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    func testSweepIDsAndLimitsOutOfRangeAreRefusedNamingTheField() throws {
        for bad in ["1e300", "-1", "0", "1.5", "9223372036854775808"] {
            let message = try XCTUnwrap(refusal(CancelSweepRequest.self, #"{"op":"cancel","v":1,"sweep":\#(bad)}"#), "sweep \(bad) was taken")
            XCTAssertTrue(message.contains("\"sweep\""), message)
            XCTAssertNotNil(refusal(SweepStateRequest.self, #"{"op":"sweep","v":1,"sweep":\#(bad)}"#), "sweep \(bad)")
        }
        for bad in ["-5", "0", "1e9"] {
            let message = try XCTUnwrap(refusal(TopSnapshotRequest.self, #"{"op":"top","v":1,"limit":\#(bad)}"#), "limit \(bad) was taken")
            XCTAssertTrue(message.contains("\"limit\""), message)
        }
        XCTAssertNil(refusal(CancelSweepRequest.self, #"{"op":"cancel","v":1,"sweep":7}"#))
        XCTAssertNil(refusal(TopSnapshotRequest.self, #"{"op":"top","v":1,"limit":200,"sweep":2}"#))
    }
}
