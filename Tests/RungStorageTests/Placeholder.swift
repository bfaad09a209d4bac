import XCTest
final class RungStorageSmokeTests: XCTestCase { func testNothingYet() {} }
