@testable import RungWorker
import RungWire
import XCTest

/// The slot → main-loop messages: a trial's ending is typed, not read from its log note.
final class SlotEventTests: XCTestCase {
    func testEndingsRoundTripWithTheirKind() {
        for event in [SlotEvent.ended(trialID: 0xFEED_0000_0000_0001, how: .cancelled, note: "stopped early, says the note"),
                      .ended(trialID: 7, how: .stopped, note: "cancelled? no: stopped at epoch 2"),
                      .toHead(.failed(TrialFailed(trialID: 9, reason: "boom")))] {
            XCTAssertEqual(SlotEvent(frames: event.frames), event)
        }
    }

    func testMalformedFramesAreRefused() {
        XCTAssertNil(SlotEvent(frames: [[1], [0, 0, 0, 0, 0, 0, 0, 1], [9], []]), "an unknown ending")
        XCTAssertNil(SlotEvent(frames: [[1], [0, 0, 0, 0, 0, 0, 0, 1], Array("old three-frame form".utf8)]))
        XCTAssertNil(SlotEvent(frames: [[2]]))
    }
}
