import XCTest
final class RungCoreSmokeTests: XCTestCase { func testNothingYet() {} }
