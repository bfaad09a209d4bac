import XCTest

final class RootCommandTests: XCTestCase {
    func testHelpListsEveryCommandAndExitCodes() throws {
        let r = try RungProcess.run(["--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for command in ["data", "train", "predict", "ask-tell", "simulate"] {
            XCTAssertTrue(r.stdout.contains(command), "help lacks \(command):\n\(r.stdout)")
        }
        XCTAssertTrue(r.stdout.contains("65"), "help documents exit codes")
    }

    func testUnknownOptionIsAUsageError() throws {
        let r = try RungProcess.run(["train", "--family", "xgboost", "--data", "x", "--no-such-option"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("--no-such-option"), r.stderr)
    }
}
