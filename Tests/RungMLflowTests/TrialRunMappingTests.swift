import XCTest
import RungCore
@testable import RungMLflow

final class TrialRunMappingTests: XCTestCase {
    func testStatusesMapOntoMLflowRunStatuses() {
        XCTAssertEqual(TrialRunMapping.runStatus(TrialRecord.Status.finished), "FINISHED")
        XCTAssertEqual(TrialRunMapping.runStatus(TrialRecord.Status.stopped), "KILLED")
        XCTAssertEqual(TrialRunMapping.runStatus(TrialRecord.Status.failed), "FAILED")
        XCTAssertEqual(TrialRunMapping.runStatus(TrialRecord.Status.paused), "RUNNING")
    }
}
