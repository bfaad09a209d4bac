import XCTest
@testable import RungCore

final class SearchSpaceTests: XCTestCase {
    func testParametersAreOrderedParentsFirst() throws {
        let s = try SearchSpace([
            Parameter(name: "child", domain: .uniform(low: 0, high: 1),
                      conditions: [ParameterCondition(parent: "parent", values: [.string("on")])]),
            Parameter(name: "parent", domain: .choice([.string("on"), .string("off")])),
            Parameter(name: "other", domain: .uniform(low: 0, high: 1)),
        ])
        XCTAssertEqual(s.parameters.map(\.name), ["parent", "child", "other"])
        XCTAssertFalse(s.isActive(s.parameters[1], in: ["parent": .string("off")]))
        XCTAssertTrue(s.isActive(s.parameters[1], in: ["parent": .string("on")]))
    }

    func testValidationProblemsNameTheParameter() {
        XCTAssertThrowsError(try SearchSpace([Parameter(name: "a", domain: .uniform(low: 2, high: 1))])) {
            XCTAssertEqual(($0 as? RungError)?.message, "parameter 'a': low (2.0) is greater than high (1.0)")
        }
        XCTAssertThrowsError(try SearchSpace([Parameter(name: "b", domain: .uniform(low: 0, high: 1),
                                                        conditions: [ParameterCondition(parent: "zz", values: [.int(1)])])])) {
            XCTAssertEqual(($0 as? RungError)?.message, "parameter 'b': when names 'zz', which is not a parameter of this space")
        }
        XCTAssertThrowsError(try SearchSpace([Parameter(name: "c", domain: .choice([.int(1), .double(1.0)]))]))
    }

    func testJSONSpaceAndOutput() throws {
        let json = JSONValue.object([
            "x": .object(["type": .string("uniform"), "low": .int(0), "high": .int(1)]),
            "n": .object(["type": .string("int"), "low": .int(1), "high": .int(4)]),
            "c": .object(["type": .string("choice"), "choices": .array([.string("a"), .bool(true), .int(3)])]),
        ])
        let s = try SearchSpace(json: json)
        XCTAssertEqual(s.parameters.map(\.name), ["c", "n", "x"])
        XCTAssertEqual(s.json(["x": .double(0.25), "n": .int(2), "c": .string("a\"b")]),
                       "{\"c\":\"a\\\"b\",\"n\":2,\"x\":0.25}")
        XCTAssertThrowsError(try SearchSpace(json: .object(["x": .object(["type": .string("uniform"), "low": .int(0)])])))
        XCTAssertThrowsError(try SearchSpace(json: .object(["x": .object(["type": .string("int"), "low": .double(0.5), "high": .int(3)])])))
        XCTAssertThrowsError(try SearchSpace(json: .object(["x": .object(["type": .string("uniform"), "low": .int(0),
                                                                          "high": .int(1), "hgih": .int(2)])])))
    }

    func testDomainMembership() {
        XCTAssertTrue(ParameterDomain.quniform(low: 0, high: 1, q: 0.25).contains(.double(0.75)))
        XCTAssertFalse(ParameterDomain.quniform(low: 0, high: 1, q: 0.25).contains(.double(0.7)))
        XCTAssertTrue(ParameterDomain.int(low: 1, high: 3, log: false).contains(.int(3)))
        XCTAssertFalse(ParameterDomain.int(low: 1, high: 3, log: false).contains(.double(2)))
        XCTAssertTrue(ParameterDomain.choice([.int(1), .string("a")]).contains(.double(1)))
    }

    func testQuantileMatchesNumpyLinearInterpolation() {
        // numpy.percentile([1, 2, 3, 4], 100 * 2/3) = 3.0; percentile([1, 2, 3, 4, 10], 100/3) = 2.333…
        XCTAssertEqual(MathSupport.quantile(sorted: [1, 2, 3, 4], 2.0 / 3.0), 3.0, accuracy: 1e-12)
        XCTAssertEqual(MathSupport.quantile(sorted: [1, 2, 3, 4, 10], 1.0 / 3.0), 2.0 + 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(MathSupport.quantile(sorted: [1, .infinity], 0.5), .infinity)
        XCTAssertEqual(MathSupport.quantile(sorted: [1, .infinity], 0), 1)
    }

    /// An int range reaching Int.max: an internal coordinate at or past the top edge must
    /// clamp to `high`, not trap converting 2^63 to an Int (seen while fuzzing sweep configs).
    func testIntDomainUpToIntMaxClampsAtTheEdges() {
        let wide = ParameterEncoding(.int(low: Int.min, high: Int.max, log: false))
        XCTAssertEqual(wide.fromInternal(Double(Int.max) + 0.5), .int(Int.max))
        XCTAssertEqual(wide.fromInternal(-Double(Int.max) - 0.5), .int(Int.min))
        XCTAssertEqual(wide.fromInternal(1e19), .int(Int.max))
        let logWide = ParameterEncoding(.int(low: 1, high: Int.max, log: true))
        XCTAssertEqual(logWide.fromInternal(log(Double(Int.max)) + 1e-9), .int(Int.max))
        XCTAssertEqual(ParameterEncoding(.int(low: 3, high: 10, log: false)).fromInternal(6.4), .int(6))
    }
}
