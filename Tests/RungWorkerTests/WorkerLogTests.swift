import Foundation
@testable import RungWorker
import XCTest

/// The standard worker log's timestamp, formatted by hand, reads as ISO 8601 UTC with milliseconds.
final class WorkerLogTests: XCTestCase {
    func testTimestampIsISO8601WithMillisecondsAndNow() throws {
        let before = Date()
        let stamp = WorkerLog.timestamp()
        let after = Date()
        XCTAssertNotNil(stamp.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression), stamp)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try XCTUnwrap(parser.date(from: stamp), stamp)
        XCTAssertGreaterThanOrEqual(date.timeIntervalSince(before), -0.001, stamp)
        XCTAssertLessThanOrEqual(date.timeIntervalSince(after), 0.001, stamp)
    }
}
