import XCTest
@testable import RungServe
import RungCore

/// The `/predict` body reader: numbers keep their digits, strings are decoded, and every
/// malformed body is a 400 naming the byte, every unusable row a 422 naming row and field.
final class RequestRowsTests: XCTestCase {
    func testAnObjectAndAnArrayKeepTheirValuesAsWritten() throws {
        let one = try RequestRows(parsing: Array(#" {"a": -1.50e3, "b": "x\"y\u00e9\n", "c": null, "d": true} "#.utf8))
        XCTAssertTrue(one.single)
        XCTAssertEqual(one.rows.count, 1)
        XCTAssertEqual(one.rows[0].map(\.name), ["a", "b", "c", "d"])
        XCTAssertEqual(one.rows[0].map(\.value), [.number("-1.50e3"), .string("x\"yé\n"), .null, .bool(true)])

        let many = try RequestRows(parsing: Array(#"[{"a": 1}, {}, {"a": "2"}]"#.utf8))
        XCTAssertFalse(many.single)
        XCTAssertEqual(many.rows.map(\.count), [1, 0, 1])
        XCTAssertEqual(try RequestRows(parsing: Array("[]".utf8)).rows.count, 0)
        XCTAssertEqual(try RequestRows(parsing: Array(#"{"s": "\ud83d\ude00"}"#.utf8)).rows[0][0].value, .string("😀"))
    }

    func testMalformedBodiesAre400sNamingTheByte() {
        for (body, offset) in [("", nil), ("{", 1), (#"{"a": 01}"#, 7), (#"{"a": 1,}"#, 8), ("[{}", 3), (#"{"a": tru}"#, 6),
                               (#"{"a": "\x"}"#, 8), (#"{"a": 1} x"#, 9), (#"{"a" 1}"#, 5)] as [(String, Int?)] {
            XCTAssertThrowsError(try RequestRows(parsing: Array(body.utf8)), body) { error in
                let problem = error as? RequestProblem
                XCTAssertEqual(problem?.status, 400, body)
                XCTAssertEqual(problem?.kind, "bad_json", body)
                if let offset { XCTAssertTrue(problem?.message.contains("at byte \(offset)") ?? false, "\(body): \(problem?.message ?? "")") }
            }
        }
    }

    func testARowThatIsNotAnObjectOrAValueThatIsNotAScalarIsA422() {
        XCTAssertThrowsError(try RequestRows(parsing: Array(#"[{"a": 1}, 7]"#.utf8))) { error in
            XCTAssertEqual(error as? RequestProblem,
                           RequestProblem(status: 422, kind: "invalid_row", message: "row 1 is `7`, not a JSON object of column values", row: 1))
        }
        XCTAssertThrowsError(try RequestRows(parsing: Array(#"{"a": {"b": 1}}"#.utf8))) { error in
            let problem = error as? RequestProblem
            XCTAssertEqual(problem?.status, 422)
            XCTAssertEqual(problem?.field, "a")
            XCTAssertEqual(problem?.row, 0)
        }
    }

    func testRowsBecomeACSVInTheSourceLayoutWithTheirFirstLines() throws {
        let rows = try RequestRows(parsing: Array(#"[{"b": "x,\"y\"", "a": 2, "id": 9}, {"a": null, "b": "two\nlines"}, {"a": 3, "b": "z"}]"#.utf8))
        let (csv, lines) = try ServedModel.csvBytes(rows, requiredColumns: ["a", "b"], idColumns: ["id", "other"])
        XCTAssertEqual(String(decoding: csv, as: UTF8.self), "a,b,id\n2,\"x,\"\"y\"\"\",9\n,\"two\nlines\",\n3,z,\n")
        XCTAssertEqual(lines, [2, 3, 5])
        XCTAssertThrowsError(try ServedModel.csvBytes(rows, requiredColumns: ["a", "b", "c"], idColumns: [])) { error in
            XCTAssertEqual((error as? RequestProblem)?.field, "c")
            XCTAssertEqual((error as? RequestProblem)?.row, 0)
        }
    }

    func testACleaningErrorNamesTheRowItCameFrom() {
        let problem = ServedModel.problem(from: RungError.badInput("request line 5, column `amount`: `lots` is not a number."), firstLines: [2, 3, 5, 6])
        XCTAssertEqual(problem, RequestProblem(status: 422, kind: "invalid_value", message: "row 2, field `amount`: `lots` is not a number",
                                               field: "amount", row: 2))
    }
}
