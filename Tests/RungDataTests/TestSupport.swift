import Foundation
import RungCore
import RungData
import XCTest

/// Collects every record of a CSV as strings.
struct RecordCollector: CSVFieldVisitor {
    var records: [[String]] = []
    var lines: [Int] = []
    var current: [String] = []

    mutating func field(_ bytes: UnsafeBufferPointer<UInt8>, index: Int) throws {
        XCTAssertEqual(index, current.count)
        current.append(String(decoding: bytes, as: UTF8.self))
    }

    mutating func endRecord(fieldCount: Int, line: Int) throws {
        XCTAssertEqual(fieldCount, current.count)
        records.append(current)
        lines.append(line)
        current = []
    }
}

enum TestSupport {
    /// Parses `text` with `CSVReader` into records.
    static func records(_ text: String) throws -> RecordCollector {
        var collector = RecordCollector()
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { try CSVReader(sourceName: "t.csv").read($0, into: &collector) }
        return collector
    }

    /// A fresh temporary directory, removed when the test case ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rung-data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Writes `text` to `name` in `dir`.
    @discardableResult
    static func write(_ text: String, _ name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// The package root, from this file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The real diabetes CSV: via RUNG_DATASETS, else ../shared/data next to the package root.
    static func realDiabetesCSV() -> URL? {
        let env = ProcessInfo.processInfo.environment
        var dirs = (env["RUNG_DATASETS"] ?? "").split(separator: ":").map { URL(fileURLWithPath: String($0)) }
        dirs.append(packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data"))
        for d in dirs {
            let f = d.appendingPathComponent("diabetes/diabetic_data.csv")
            if FileManager.default.fileExists(atPath: f.path) { return f }
        }
        return nil
    }

    /// The diabetes recipe of the repository.
    static func diabetesRecipe() throws -> DatasetRecipe {
        try DatasetRecipe.load(from: packageRoot.appendingPathComponent("Config/datasets/diabetes.yaml"))
    }

    /// Asserts that `body` throws a `RungError` of `kind` whose message contains every fragment.
    static func assertRungError<T>(_ body: @autoclosure () throws -> T, kind: RungError.Kind? = nil,
                                   contains fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("expected an error containing \(fragments)", file: file, line: line)
        } catch let error as RungError {
            for f in fragments {
                XCTAssertTrue(error.message.contains(f), "`\(error.message)` does not contain `\(f)`", file: file, line: line)
            }
            if let kind { XCTAssertEqual(error.kind, kind, error.message, file: file, line: line) }
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }
}
