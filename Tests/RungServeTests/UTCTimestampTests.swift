import Foundation
@testable import RungServe
import XCTest

/// The prediction log's timestamps are what `ISO8601DateFormatter` writes.
final class UTCTimestampTests: XCTestCase {
    func testMatchesISO8601DateFormatter() {
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_399.999), // 2000-02-28T23:59:59
                     Date(timeIntervalSince1970: 951_868_800.5), Date(timeIntervalSince1970: 4_102_444_799)]
            + (0..<200).map { _ in Date(timeIntervalSince1970: Double(UInt32.random(in: 0...UInt32.max, using: &generator)) + 0.75) }
        for date in dates {
            XCTAssertEqual(UTCTimestamp.seconds(date), formatter.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }
}
