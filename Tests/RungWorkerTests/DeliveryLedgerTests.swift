import XCTest
import RungWire
@testable import RungWorker

/// The worker's ledger of unacknowledged trial messages (pure logic, no sockets).
final class DeliveryLedgerTests: XCTestCase {
    private func report(_ trial: UInt64, _ epoch: UInt32, milestone: Bool = false) -> WireMessage {
        .epochReport(EpochReport(trialID: trial, epoch: epoch, seconds: 1, metrics: [], atMilestone: milestone))
    }

    func testMessagesAreStampedInOrderAndForgottenOnlyWhenAcknowledged() {
        var ledger = DeliveryLedger(limit: 100)
        let r1 = ledger.add(report(1, 1))
        let r2 = ledger.add(report(2, 1))
        let r3 = ledger.add(report(1, 2))
        ledger.add(.done(TrialDone(trialID: 1, epoch: 2, metrics: [])))
        guard case .epochReport(let a) = r1, case .epochReport(let b) = r2, case .epochReport(let c) = r3 else {
            return XCTFail("reports stay reports")
        }
        XCTAssertEqual([a.seq, b.seq, c.seq], [1, 2, 3])
        XCTAssertEqual(ledger.trialsWithResults, [1])
        // A cumulative ack of trial 1 up to 3 leaves trial 1's done (seq 4) and trial 2's report.
        XCTAssertEqual(ledger.acknowledge(trialID: 1, upTo: 3), 2)
        XCTAssertEqual(ledger.entries.map(\.seq), [2, 4])
        XCTAssertEqual(ledger.acknowledge(trialID: 2, upTo: 1), 0, "an ack below the kept number forgets nothing")
        XCTAssertEqual(ledger.acknowledge(trialID: 1, upTo: 4), 1)
        XCTAssertEqual(ledger.trialsWithResults, [])
        XCTAssertEqual(ledger.entries.map(\.trialID), [2])
    }

    func testUnacknowledgedMessagesGoAgainAfterTheRetransmitTimeOrAWelcome() {
        var ledger = DeliveryLedger(limit: 100)
        ledger.add(report(1, 1))
        ledger.add(report(1, 2))
        XCTAssertEqual(ledger.firstUnsent, 0)
        ledger.markSent(0, at: 1_000)
        ledger.markSent(1, at: 1_500)
        XCTAssertNil(ledger.firstUnsent)
        XCTAssertEqual(ledger.requeue(sentBefore: 5_999, after: 5_000), 0)
        XCTAssertEqual(ledger.requeue(sentBefore: 6_000, after: 5_000), 1)
        XCTAssertEqual(ledger.firstUnsent, 0)
        ledger.markSent(0, at: 6_000)
        ledger.requeueAll()
        XCTAssertEqual(ledger.unsent, 2)
    }

    func testAFullLedgerDropsPlainReportsThenMilestonesButNeverResults() {
        var ledger = DeliveryLedger(limit: 3)
        ledger.add(report(1, 1, milestone: true))
        ledger.add(report(1, 2))
        ledger.add(report(1, 3))
        ledger.add(.done(TrialDone(trialID: 1, epoch: 3, metrics: [])))
        XCTAssertEqual(ledger.entries.map(\.seq), [1, 3, 4], "the oldest plain report went first")
        ledger.add(.failed(TrialFailed(trialID: 2, reason: "x")))
        XCTAssertEqual(ledger.entries.map(\.seq), [1, 4, 5])
        ledger.add(.failed(TrialFailed(trialID: 3, reason: "y")))
        XCTAssertEqual(ledger.entries.map(\.seq), [4, 5, 6], "then the milestone report")
        ledger.add(.done(TrialDone(trialID: 4, epoch: 1, metrics: [])))
        XCTAssertEqual(ledger.entries.map(\.seq), [4, 5, 6, 7], "results are never dropped")
        XCTAssertEqual(ledger.dropped, 3)
    }

    func testACancelForgetsEverythingAboutTheTrial() {
        var ledger = DeliveryLedger(limit: 10)
        ledger.add(report(1, 1))
        ledger.add(report(2, 1))
        ledger.add(.done(TrialDone(trialID: 1, epoch: 1, metrics: [])))
        ledger.forget(trialID: 1)
        XCTAssertEqual(ledger.entries.map(\.trialID), [2])
        XCTAssertNil(ledger.add(.heartbeat(Heartbeat())), "only trial messages are kept")
        XCTAssertEqual(ledger.count, 1)
    }
}
