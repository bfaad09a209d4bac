import Foundation
import RungCore
@testable import RungHead
import RungWire
import XCTest

/// The head's answers to typed control requests, through the same codec the CLI uses.
final class HeadControlTests: XCTestCase {
    private func ask<R: ControlRequest>(_ head: Head, _ request: R) throws -> R.Reply {
        try ControlCodec.decode(reply: R.Reply.self, from: head.handleControl(try ControlCodec.encode(request: request)))
    }

    private func refusal(_ head: Head, _ json: String) -> ControlErrorReply? {
        try? JSONDecoder().decode(ControlErrorReply.self, from: Data(head.handleControl(json).utf8))
    }

    func testEveryOpAnswersWithItsTypedReply() throws {
        let fixture = try HeadFixture(self)
        let head = try fixture.makeHead()
        let id = try ask(head, SubmitSweepRequest(config: fixture.config(trials: 4), path: "test.yaml")).sweep
        // The submit is answered at once; the data is resolved off the loop, then the sweep runs.
        XCTAssertEqual(try ask(head, SweepStateRequest(sweep: id)).status, "queued")
        let ready = Date().addingTimeInterval(30)
        while try ask(head, SweepStateRequest(sweep: id)).status == "queued" && Date() < ready {
            try head.runOnce(timeoutMillis: 5)
        }

        let state = try ask(head, SweepStateRequest(sweep: id))
        XCTAssertEqual(state.status, "running")
        XCTAssertEqual(state.name, "head-test")
        // The progress `rung sweep submit --wait` shows, with the metric and the best per family.
        let progress = try XCTUnwrap(state.progress)
        XCTAssertEqual(progress.metric, "val_auc")
        XCTAssertEqual(progress.budget, 4)
        XCTAssertEqual(Array(progress.best.keys), ["xgboost"])
        XCTAssertEqual(progress.best["xgboost"], .some(nil), "no trial has reported yet")
        XCTAssertEqual(progress.workers, 0)

        let status = try ask(head, HeadStatusRequest())
        XCTAssertEqual(status.sweeps.map(\.id), [id])
        XCTAssertEqual(status.sweeps.first?.families.map(\.budget), [4])
        XCTAssertTrue(status.workers.isEmpty)
        XCTAssertNil(status.refusedHandshakes, "no keys, no handshake count")
        XCTAssertEqual(head.status(), status)

        let top = try ask(head, TopSnapshotRequest(sort: "id"))
        XCTAssertEqual(top.sweep, id)
        XCTAssertEqual(top.sort, "id")
        XCTAssertEqual(top.endpoint, head.endpoint)
        XCTAssertEqual(top.selected?.metric, "val_auc")
        XCTAssertEqual(top.selected?.families.map(\.budget), [4])

        XCTAssertEqual(try ask(head, StoreWorkersRequest()).workers, [])
        XCTAssertThrowsError(try ask(head, DrainWorkerRequest(worker: "nobody"))) {
            XCTAssertEqual($0 as? RungError, RungError.badInput("no worker named nobody"))
        }

        XCTAssertEqual(try ask(head, CancelSweepRequest(sweep: id)), SweepIDReply(sweep: id))
        // The head's loop ends the cancelled sweep.
        let deadline = Date().addingTimeInterval(10)
        while try ask(head, SweepStateRequest(sweep: id)).status == "running" && Date() < deadline {
            try head.runOnce(timeoutMillis: 5)
        }
        XCTAssertThrowsError(try ask(head, CancelSweepRequest(sweep: id))) {
            XCTAssertEqual($0 as? RungError, RungError.badInput("sweep \(id) is not running"))
        }
        XCTAssertEqual(try ask(head, SweepStateRequest(sweep: id)).status, "cancelled")
        XCTAssertThrowsError(try ask(head, SweepStateRequest(sweep: id + 100))) {
            XCTAssertEqual($0 as? RungError, RungError.badInput("there is no sweep \(id + 100)"))
        }
    }

    func testMalformedRequestsAreRefusedWithTheirReason() throws {
        let fixture = try HeadFixture(self)
        let head = try fixture.makeHead()
        XCTAssertEqual(refusal(head, #"{"op":"reboot"}"#),
                       ControlErrorReply(error: "unknown op reboot; known: submit, cancel, sweep, status, top, drain, workers, records", kind: .badInput))
        XCTAssertEqual(refusal(head, #"{"op":"status","v":2}"#)?.kind, .unavailable)
        XCTAssertEqual(refusal(head, #"{"op":"top","sort":"size"}"#),
                       ControlErrorReply(error: "top: unknown sort size; known: metric, id, duration, status", kind: .badInput))
        XCTAssertEqual(refusal(head, #"{"op":"submit","v":1}"#),
                       ControlErrorReply(error: "submit needs \"config\" (the sweep YAML text)", kind: .badInput))
        XCTAssertEqual(refusal(head, "]"),
                       ControlErrorReply(error: "a control request must be a JSON object with an \"op\"", kind: .badInput))
        // A bad config is bad input, as `rung sweep submit` reports it (exit 65).
        XCTAssertEqual(refusal(head, try ControlCodec.encode(request: SubmitSweepRequest(config: "name: x\n", path: "bad.yaml")))?.kind,
                       .badInput)
    }
}
