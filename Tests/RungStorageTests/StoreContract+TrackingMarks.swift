import Foundation
import RungCore
@testable import RungStore
import XCTest

extension StoreContract {
    /// Tracking export marks (migration 6): saved, replaced by key, read per sweep and in all.
    static func trackingMarksUpsertAndReadBack(_ fixture: StoreFixture) throws {
        let store = try fixture.open()
        defer { store.close() }
        let marks = try XCTUnwrap(store as? any TrackingMarkStore)
        XCTAssertEqual(try marks.trackingMarks(sweepID: nil), [])
        try marks.saveTrackingMarks([TrackingMark(sweepID: 2, trialID: 0, runID: "parent", epochs: 0, status: ""),
                                     TrackingMark(sweepID: 2, trialID: 7, runID: "run-7", epochs: 3, status: ""),
                                     TrackingMark(sweepID: 5, trialID: 9, runID: "run-9", epochs: 1, status: "")])
        try marks.saveTrackingMarks([TrackingMark(sweepID: 2, trialID: 7, runID: "run-7", epochs: 9, status: "stopped")])
        XCTAssertEqual(try marks.trackingMarks(sweepID: 2), [
            TrackingMark(sweepID: 2, trialID: 0, runID: "parent", epochs: 0, status: ""),
            TrackingMark(sweepID: 2, trialID: 7, runID: "run-7", epochs: 9, status: "stopped"),
        ])
        XCTAssertEqual(try marks.trackingMarks(sweepID: nil).count, 3)
    }
}
