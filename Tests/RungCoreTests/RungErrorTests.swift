import XCTest
@testable import RungCore

final class RungErrorTests: XCTestCase {
    func testEachKindHasItsExitStatus() {
        XCTAssertEqual(RungError.usage("x").exitCode, 64)
        XCTAssertEqual(RungError.badInput("x").exitCode, 65)
        XCTAssertEqual(RungError.unavailable("x").exitCode, 69)
        XCTAssertEqual(RungError.internalFailure("x").exitCode, 70)
    }

    func testRecognisedFailuresCarryTheirCauseAndTheSameSentence() {
        let inUse = RungError.addressInUse("tcp://127.0.0.1:7770")
        XCTAssertEqual(inUse.cause, .addressInUse(endpoint: "tcp://127.0.0.1:7770"))
        XCTAssertEqual(inUse.message, "cannot listen on tcp://127.0.0.1:7770: the address is already in use")
        XCTAssertEqual(inUse.exitCode, 69)

        let locked = RungError.storeInUse(store: "sqlite:a.db", holder: "pid 42")
        XCTAssertEqual(locked.cause, .storeInUse(store: "sqlite:a.db", holder: "pid 42"))
        XCTAssertEqual(locked.message, "store sqlite:a.db is in use by another head (pid 42); stop it or open the store read-only")
        XCTAssertEqual(locked.exitCode, 69)

        XCTAssertNil(RungError.unavailable(locked.message).cause, "a sentence alone is no cause")
        XCTAssertNotEqual(RungError.unavailable(locked.message), locked)
    }
}
