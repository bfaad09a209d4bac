import XCTest
@testable import RungMetrics

final class MetricsEndpointTests: XCTestCase {
    func testAddressesParse() throws {
        XCTAssertEqual(try MetricsEndpoint.parse(":9464").0, "0.0.0.0")
        XCTAssertEqual(try MetricsEndpoint.parse("127.0.0.1:0").1, 0)
        XCTAssertThrowsError(try MetricsEndpoint.parse("nonsense"))
    }
}
