import Foundation
import XCTest

/// `rung ask-tell` as an evaluator drives it: JSON lines in, one reply line per request.
final class AskTellTests: XCTestCase {
    private func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testTheProtocolOfDesignMdOverAPipe() throws {
        var input = #"{"op":"init","space":{"x":{"type":"uniform","low":-5,"high":10},"n":{"type":"int","low":1,"high":4},"k":{"type":"choice","choices":["a","b"]},"lr":{"type":"loguniform","low":0.001,"high":1}},"seed":7,"mode":"min","parallel":2}"# + "\n"
        for i in 0..<15 {
            input += #"{"op":"ask"}"# + "\n"
            input += #"{"op":"tell","trial":\#(i),"value":\#(Double(i % 5))}"# + "\n"
        }
        input += "this is not json\n"
        input += #"{"op":"tell","trial":999,"value":1}"# + "\n"
        input += #"{"op":"close"}"# + "\n"
        input += #"{"op":"ask"}"# + "\n"   // after close: never answered
        let r = try RungProcess.run(["ask-tell", "--searcher", "tpe"], stdin: input)
        XCTAssertEqual(r.status, 0, r.stderr)
        let replies = lines(r.stdout)
        XCTAssertEqual(replies.count, 1 + 30 + 2, r.stdout)
        XCTAssertEqual(replies[0]["ok"] as? Bool, true)
        for i in 0..<15 {
            let ask = replies[1 + 2 * i]
            XCTAssertEqual(ask["trial"] as? Int, i)
            let params = try XCTUnwrap(ask["params"] as? [String: Any])
            let x = try XCTUnwrap(params["x"] as? Double)
            XCTAssertTrue((-5...10).contains(x))
            let n = try XCTUnwrap(params["n"] as? Int)
            XCTAssertTrue((1...4).contains(n))
            XCTAssertTrue(["a", "b"].contains(params["k"] as? String ?? ""))
            XCTAssertEqual(replies[2 + 2 * i]["ok"] as? Bool, true)
        }
        XCTAssertNotNil(replies[31]["error"], "malformed line gets an error reply")
        XCTAssertNotNil(replies[32]["error"], "unknown trial gets an error reply")
    }

    func testTheSameSeedGivesTheSameSuggestions() throws {
        let input = #"{"op":"init","space":{"x":{"type":"uniform","low":0,"high":1}},"seed":3,"mode":"max"}"# + "\n"
            + (0..<12).map { #"{"op":"ask"}"# + "\n" + #"{"op":"tell","trial":\#($0),"value":\#(Double($0) * 0.1)}"# + "\n" }.joined()
            + #"{"op":"close"}"# + "\n"
        let a = try RungProcess.run(["ask-tell"], stdin: input)
        let b = try RungProcess.run(["ask-tell"], stdin: input)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertFalse(a.stdout.isEmpty)
    }
}
