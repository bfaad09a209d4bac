import XCTest
final class RungWireSmokeTests: XCTestCase { func testNothingYet() {} }
