import XCTest
@testable import RungCore

final class AskTellSessionTests: XCTestCase {
    private let initLine = #"{"op":"init","space":{"x":{"type":"uniform","low":-1,"high":1},"n":{"type":"int","low":1,"high":3},"c":{"type":"choice","choices":["a","b"]},"lr":{"type":"loguniform","low":0.001,"high":1}},"seed":3,"mode":"min","parallel":2}"#

    private func object(_ line: String?) throws -> [String: Any] {
        let data = try XCTUnwrap(line).data(using: .utf8)!
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testProtocolRoundTrip() throws {
        var s = AskTellSession(searcher: .tpe)
        XCTAssertEqual(s.handle(line: initLine), .init(line: #"{"ok":true}"#, exit: false))
        for t in 0..<15 {
            let reply = try object(s.handle(line: #"{"op":"ask"}"#).line)
            XCTAssertEqual(reply["trial"] as? Int, t)
            let params = try XCTUnwrap(reply["params"] as? [String: Any])
            XCTAssertEqual(Set(params.keys), ["x", "n", "c", "lr"])
            let n = try XCTUnwrap(params["n"] as? Int)
            XCTAssertTrue((1...3).contains(n))
            let x = try XCTUnwrap(params["x"] as? Double)
            XCTAssertEqual(s.handle(line: #"{"op":"tell","trial":\#(t),"value":\#(x * x)}"#).line, #"{"ok":true}"#)
        }
        XCTAssertEqual(s.handle(line: #"{"op":"close"}"#), .init(line: nil, exit: true))
    }

    func testMalformedRequestsGetErrorsAndTheSessionContinues() throws {
        var s = AskTellSession(searcher: .random)
        let cases = [
            "not json",
            #"[1,2]"#,
            #"{"op":"fly"}"#,
            #"{"op":"ask"}"#,                         // before init
            #"{"op":"init","space":{"x":{"type":"uniform","low":2,"high":1}}}"#,
            #"{"op":"init","space":{"x":{"type":"gauss"}}}"#,
            #"{"op":"init","space":{},"mode":"up"}"#,
            #"{"op":"init","space":{},"parallel":0}"#,
        ]
        for c in cases {
            let reply = try object(s.handle(line: c).line)
            XCTAssertNotNil(reply["error"] as? String, "no error for \(c)")
        }
        XCTAssertEqual(s.handle(line: initLine).line, #"{"ok":true}"#)
        _ = s.handle(line: #"{"op":"ask"}"#)
        for c in [#"{"op":"tell","trial":5,"value":1}"#, #"{"op":"tell","trial":0}"#,
                  #"{"op":"tell","trial":0,"value":"high"}"#, #"{"op":"tell","value":1}"#] {
            XCTAssertNotNil(try object(s.handle(line: c).line)["error"], "no error for \(c)")
        }
        XCTAssertEqual(s.handle(line: #"{"op":"tell","trial":0,"value":null}"#).line, #"{"ok":true}"#)
        XCTAssertNotNil(try object(s.handle(line: #"{"op":"tell","trial":0,"value":1}"#).line)["error"])
        XCTAssertNil(s.handle(line: "   ").line)
    }

    func testTracedAskSuggestsWhatAPlainAskWouldAndRejectsBadOptions() throws {
        func params(traced: Bool) throws -> (Any?, Any?) {
            var s = AskTellSession(searcher: .tpe)
            _ = s.handle(line: initLine)
            for t in 0..<12 {
                _ = s.handle(line: #"{"op":"ask"}"#)
                _ = s.handle(line: #"{"op":"tell","trial":\#(t),"value":\#(Double(t % 5))}"#)
            }
            let reply = try object(s.handle(line: traced ? #"{"op":"ask","trace":true,"draws":3}"# : #"{"op":"ask"}"#).line)
            return (reply["params"], reply["trace"])
        }
        let (plain, none) = try params(traced: false)
        let (traced, trace) = try params(traced: true)
        XCTAssertEqual(plain as? NSDictionary, traced as? NSDictionary)
        XCTAssertNil(none)
        let t = try XCTUnwrap(trace as? [String: Any])
        XCTAssertEqual((t["history"] as? [Any])?.count, 12)
        let groups = try XCTUnwrap(t["groups"] as? [[String: Any]])
        XCTAssertEqual((groups.first?["candidates"] as? [Any])?.count, 24)
        XCTAssertEqual((groups.first?["draws"] as? [Any])?.count, 3)

        var s = AskTellSession(searcher: .tpe)
        _ = s.handle(line: initLine)
        for c in [#"{"op":"ask","trace":"yes"}"#, #"{"op":"ask","trace":true,"draws":-1}"#] {
            XCTAssertNotNil(try object(s.handle(line: c).line)["error"], "no error for \(c)")
        }
        // During the random start-up there is nothing to trace.
        XCTAssertTrue(try object(s.handle(line: #"{"op":"ask","trace":true}"#).line)["trace"] is NSNull)
    }

    func testSameRequestsGiveSameReplies() {
        func transcript() -> [String] {
            var s = AskTellSession(searcher: .tpe)
            var out: [String] = [s.handle(line: initLine).line!]
            for t in 0..<25 {
                out.append(s.handle(line: #"{"op":"ask"}"#).line!)
                out.append(s.handle(line: #"{"op":"tell","trial":\#(t),"value":\#(Double(t % 7))}"#).line!)
            }
            return out
        }
        XCTAssertEqual(transcript(), transcript())
    }

    func testParallelAsksBeforeTells() throws {
        var s = AskTellSession(searcher: .tpe)
        _ = s.handle(line: initLine)
        for round in 0..<4 {
            let ids = try (0..<4).map { _ in try XCTUnwrap(object(s.handle(line: #"{"op":"ask"}"#).line)["trial"] as? Int) }
            XCTAssertEqual(ids, Array(round * 4 ..< round * 4 + 4))
            XCTAssertEqual(s.pendingCount, 4)
            for id in ids.reversed() { _ = s.handle(line: #"{"op":"tell","trial":\#(id),"value":\#(id)}"#) }
            XCTAssertEqual(s.pendingCount, 0)
        }
    }
}
