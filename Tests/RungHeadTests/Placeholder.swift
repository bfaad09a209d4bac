import XCTest
final class RungHeadPlaceholderTests: XCTestCase { func testNothingYet() {} }
