import Foundation
@testable import RungHead
@testable import RungStore
import RungWire
import XCTest

/// A store that cannot commit (a real SQLite database that is full) stops the head's
/// acknowledgements, not the head: nothing acknowledged is lost, and the sweep goes on when
/// the store takes writes again (docs/protocol.md, "Delivery").
final class HeadStoreStallTests: XCTestCase {
    private func report(_ trial: UInt64, _ epoch: UInt32, seq: UInt64, padding: Int = 0) -> WireMessage {
        HeadFixture.report(trial, epoch, seq: seq, padding: padding)
    }

    private func acks(_ messages: [WireMessage]) -> [UInt64] {
        messages.flatMap { message -> [UInt64] in
            if case .ack(let list) = message { return list.map(\.seq) }
            return []
        }
    }

    private func reply(_ transport: InMemoryTransport) throws -> [String: Any] {
        for case .controlReply(let json) in transport.take(to: "client") {
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
        XCTFail("no control reply")
        return [:]
    }

    func testAFullStoreHoldsAcknowledgementsAndTheHeadResumesWithNothingLost() throws {
        let fixture = try HeadFixture(self)
        let transport = InMemoryTransport()
        let clock = ManualClock()
        let head = try fixture.makeHead(transport: transport, clock: clock)
        var lines: [String] = []
        head.log = { lines.append($0) }
        let (sweep, trial) = try fixture.startOneTrial(on: head, transport: transport)

        transport.deliver(report(trial, 1, seq: 1), from: "w1")
        try head.runOnce(timeoutMillis: 0)
        XCTAssertEqual(acks(transport.take(to: "w1")), [1], "a committed report is acknowledged")

        // The disk fills up: SQLite cannot grow the database file any more.
        let sqlite = try XCTUnwrap(head.store.base as? SQLiteStore)
        try sqlite.db.execute("PRAGMA max_page_count = 1", purpose: "fill the test's disk")
        transport.deliver(report(trial, 2, seq: 2, padding: 64 * 1024), from: "w1")
        clock.advance(by: 0.1)
        try head.runOnce(timeoutMillis: 0)
        XCTAssertEqual(acks(transport.take(to: "w1")), [], "nothing is acknowledged that is not committed")
        let problem = try XCTUnwrap(head.storeProblem)
        XCTAssertTrue(problem.contains("full"), problem)
        XCTAssertTrue(lines.contains { $0.contains("cannot commit") && $0.contains("retrying") }, "\(lines)")

        // Meanwhile: the next report is not acted on, status says why, a submission is refused.
        transport.deliver(report(trial, 3, seq: 3), from: "w1")
        transport.deliver(.control(json: #"{"op":"status","v":1}"#), from: "client")
        clock.advance(by: 0.1)
        try head.runOnce(timeoutMillis: 0)
        let status = try reply(transport)
        XCTAssertEqual(status["store_problem"] as? String, head.storeProblem)
        XCTAssertEqual(acks(transport.take(to: "w1")), [])
        transport.deliver(.control(json: #"{"op":"cancel","v":1,"sweep":\#(sweep)}"#), from: "client")
        try head.runOnce(timeoutMillis: 0)
        let refused = try reply(transport)
        XCTAssertEqual(refused["kind"] as? String, "unavailable", "\(refused)")
        XCTAssertTrue(head.isRunning(sweepID: sweep))

        // Retries fail while the disk is full; the worker is not declared lost meanwhile.
        for _ in 0..<20 {
            clock.advance(by: 1)
            transport.deliver(.heartbeat(Heartbeat(running: [trial])), from: "w1")
            try head.runOnce(timeoutMillis: 0)
        }
        XCTAssertNotNil(head.storeProblem)
        XCTAssertEqual(head.workerCount, 1)

        // Space again: the held pass commits, its acknowledgement goes out, the sweep goes on.
        try sqlite.db.execute("PRAGMA max_page_count = 1073741823", purpose: "free the test's disk")
        clock.advance(by: StoreStall.maxBackoff)
        try head.runOnce(timeoutMillis: 0)
        XCTAssertNil(head.storeProblem)
        XCTAssertEqual(acks(transport.take(to: "w1")), [2])
        XCTAssertTrue(lines.contains { $0.contains("is back") }, "\(lines)")
        // The worker sends again what was not acknowledged, then the rest.
        transport.deliver(report(trial, 3, seq: 3), from: "w1")
        transport.deliver(report(trial, 4, seq: 4), from: "w1")
        transport.deliver(.done(TrialDone(trialID: trial, epoch: 4, metrics: [WireMetric("val_auc", 0.64), WireMetric("test_auc", 0.6)],
                                          checkpointURI: "", seq: 5)), from: "w1")
        clock.advance(by: 0.1)
        try head.runOnce(timeoutMillis: 0)
        XCTAssertEqual(acks(transport.take(to: "w1")), [5], "one cumulative acknowledgement per trial and pass")

        let store = try SQLiteStore(path: fixture.storePath, readOnly: true)
        let epochs = try store.epochs(trialID: Int64(trial))
        XCTAssertEqual(epochs.map(\.epoch), [1, 2, 3, 4], "every epoch exactly once")
        XCTAssertEqual(epochs[1].metrics.keys.filter { $0.hasPrefix("pad_") }.count, 1, "the held report's own row")
        XCTAssertEqual(try store.trial(id: Int64(trial))?.status, .finished)
        XCTAssertEqual(try sqlite.db.query("PRAGMA integrity_check", purpose: "check the store") { $0.text(0) }, ["ok"])
    }
}
