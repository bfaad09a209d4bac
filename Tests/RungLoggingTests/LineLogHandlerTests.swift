import Foundation
import Logging
import XCTest
@testable import RungLogging

final class LineLogHandlerTests: XCTestCase {
    func testTextLinesCarryTheMetadataAfterTheMessage() {
        let line = LineLogHandler.line(label: "rung head", format: .text, level: .info, message: "trial 41 finished",
                                       metadata: ["trial": "41", "sweep": "3"], date: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(line, "rung head: trial 41 finished sweep=3 trial=41\n")
        let warning = LineLogHandler.line(label: "rung head", format: .text, level: .warning, message: "worker w1 lost",
                                          metadata: [:], date: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(warning, "rung head: warning: worker w1 lost\n")
    }

    func testJSONLinesAreOneObjectEachWithTheMetadataAsFields() throws {
        let line = LineLogHandler.line(label: "rung worker", format: .json, level: .error, message: "a \"quoted\"\nline",
                                       metadata: ["worker": "w1", "trial": "7"], date: Date(timeIntervalSince1970: 1.5))
        XCTAssertTrue(line.hasSuffix("}\n"))
        XCTAssertEqual(line.filter { $0 == "\n" }.count, 1, "one event, one line")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        XCTAssertEqual(object, ["ts": "1970-01-01T00:00:01.500Z", "level": "error", "logger": "rung worker",
                                "msg": "a \"quoted\"\nline", "worker": "w1", "trial": "7"])
    }

    func testSweepTrialAndWorkerAreTakenFromTheWordsOfALine() {
        XCTAssertEqual(LogLineMetadata.extract(from: "sweep 3 health: trial 41 (xgboost #7) finished on worker w1: val_auc 0.7"),
                       ["sweep": "3", "trial": "41", "worker": "w1"])
        XCTAssertEqual(LogLineMetadata.extract(from: "listening on tcp://127.0.0.1:7770"), [:])
        XCTAssertEqual(LogLineMetadata.extract(from: "the trial ended"), [:], "a word without a value is not metadata")
    }

    func testTheLineSinkLogsThroughTheHandlerWithTheExtractedMetadata() {
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var all: [String] = []
        }
        let lines = Lines()
        var logger = Logger(label: "rung head") { label in
            LineLogHandler(label: label, format: .json) { line in lines.lock.withLock { lines.all.append(line) } }
        }
        logger.logLevel = .info
        let sink = RungLog.lineSink(logger)
        sink("trial 5 failed on worker w2: out of memory")
        let line = lines.lock.withLock { lines.all.first } ?? ""
        XCTAssertTrue(line.contains(#""level":"warning""#), line)
        XCTAssertTrue(line.contains(#""trial":"5""#) && line.contains(#""worker":"w2""#), line)
    }

    func testTheEventSinkTakesTheMetadataFromTheCallSiteNotFromTheWords() throws {
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var all: [String] = []
        }
        let lines = Lines()
        var logger = Logger(label: "rung worker") { label in
            LineLogHandler(label: label, format: .json) { line in lines.lock.withLock { lines.all.append(line) } }
        }
        logger.logLevel = .info
        let sink = RungLog.eventSink(logger)
        // The text names another trial and no sweep: the fields are the call site's.
        sink(LogLine("trial 9 finished after epoch 3 (like trial 8)", sweep: 4, trial: 9, worker: "w3"))
        let line = try XCTUnwrap(lines.lock.withLock { lines.all.first })
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        XCTAssertEqual(object["sweep"], "4")
        XCTAssertEqual(object["trial"], "9")
        XCTAssertEqual(object["worker"], "w3")
        XCTAssertEqual(object["level"], "info")
        XCTAssertEqual(LogLine("worker w1 left", worker: "w1").metadata, ["worker": "w1"])
        XCTAssertEqual(RungLog.level(of: "worker w1 lost (silent for 5000 ms)", at: .info), .warning)
        XCTAssertEqual(RungLog.level(of: "joined head as w1 (heartbeat 1000 ms, lost after 5000 ms)", at: .info), .info,
                       "a setting named lost is not a loss")
    }
}
