import XCTest
final class RungWorkerPlaceholderTests: XCTestCase { func testNothingYet() {} }
