import XCTest
final class RungDataSmokeTests: XCTestCase { func testNothingYet() {} }
