import XCTest
@testable import RungServe

/// The prediction log's rotation: by size, keeping `keep` old files, every line whole.
final class PredictionLogTests: XCTestCase {
    func testTheLogRotatesBySizeAndKeepsTheNewestFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("p.jsonl")
        let log = try PredictionLog(url: url, maxBytes: 1024, keep: 3)
        let lines = (0..<100).map { Array("{\"n\":\"\(String(format: "%05d", $0))\",\"pad\":\"\(String(repeating: "x", count: 40))\"}\n".utf8) }
        for chunk in stride(from: 0, to: 100, by: 10) { log.append(Array(lines[chunk..<(chunk + 10)])) }
        log.flush()
        let files = [url] + (1...3).map { URL(fileURLWithPath: url.path + ".\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path + ".4"))
        var seen: [Int] = []
        for file in files.reversed() {
            let text = try String(contentsOf: file, encoding: .utf8)
            XCTAssertLessThanOrEqual(text.utf8.count, 1024, file.lastPathComponent)
            for line in text.split(separator: "\n") {
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                seen.append(try XCTUnwrap((object["n"] as? String).flatMap { Int($0) }))
            }
        }
        // The newest lines survive in order; the oldest were rotated away.
        XCTAssertEqual(seen, Array((100 - seen.count)..<100))
        XCTAssertEqual(seen.count, 3 * (1024 / lines[0].count) + 100 % (1024 / lines[0].count), "three full old files and the current one")
        XCTAssertEqual(log.dropped, 0)
        log.close()
    }
}
