import Foundation
import RungCore
@testable import RungData
import XCTest

/// Input that used to crash or corrupt `rung data prepare` (issue 11): long fields, NUL
/// bytes, invalid UTF-8, and the temporary directory a failure must not leave behind.
final class CSVInputSafetyTests: XCTestCase {
    private func records(_ bytes: [UInt8], _ dialect: CSVDialect = CSVDialect()) throws -> RecordCollector {
        var collector = RecordCollector()
        try bytes.withUnsafeBufferPointer { try CSVReader(sourceName: "t.csv", dialect: dialect).read($0, into: &collector) }
        return collector
    }

    func testAFieldOverTheLimitNamesLineColumnAndLimit() throws {
        var small = CSVDialect()
        small.maxFieldBytes = 8
        XCTAssertEqual(try records(Array("a,b\n1,12345678\n".utf8), small).records.last, ["1", "12345678"])
        TestSupport.assertRungError(try records(Array("a,b\n1,2\n3,123456789\n".utf8), small), kind: .badInput,
                                    contains: ["t.csv line 3, column 2: field longer than 8 bytes"])
        // A quoted field is measured without its quotes and named by the line it starts on.
        TestSupport.assertRungError(try records(Array("a,b\n\"1\n2345678\n9\",x\n".utf8), small), kind: .badInput,
                                    contains: ["t.csv line 2, column 1: field longer than 8 bytes"])
    }

    func testTheDefaultLimitIsAtLeast64MiB() {
        XCTAssertGreaterThanOrEqual(CSVDialect().maxFieldBytes, 64 << 20)
    }

    /// Issue 11: a 4 MiB field in a 20 000-row file aborted with "failed to allocate
    /// 57610760432 bytes" (the split writer reserved rows × the longest value); it prepares
    /// now and the field comes back whole.
    func testAFourMiBFieldPrepares() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        var text = "id,note,x,y\n"
        let long = String(repeating: "A", count: 4 << 20)
        for i in 0 ..< 20_000 {
            text += "\(i),\(i == 5 ? long : "n\(i % 7)"),\(Double(i % 13) / 13),\(i % 3 == 0 ? "yes" : "no")\n"
        }
        let source = try TestSupport.write(text, "big.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: """
            name: big
            target: {from: y, positive: ["yes"]}
            id_columns: [id]
            split: {initial_fraction: 1, train: 0.7, validation: 0.15, future_batches: 0}
            """, fileName: "big.yaml")
        let out = dir.appendingPathComponent("out")
        let manifest = try DatasetPreparer.prepare(source: source, recipe: recipe, out: out)
        XCTAssertEqual(manifest.cleanedRows, 20_000)
        let train = try Data(contentsOf: out.appendingPathComponent("train.csv"))
        XCTAssertGreaterThan(train.count, 4 << 20)
        XCTAssertLessThan(train.count, 6 << 20)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["big.csv", "out"])
    }

    func testANulByteIsAnErrorNamingLineAndColumn() {
        TestSupport.assertRungError(try records(Array("a,b\n1,2\n3,x\u{0}y\n".utf8)), kind: .badInput,
                                    contains: ["t.csv line 3, column 2", "NUL byte"])
        TestSupport.assertRungError(try records(Array("a,b\n1,\"q\u{0}\"\n".utf8)), kind: .badInput,
                                    contains: ["t.csv line 2, column 2", "NUL byte"])
    }

    func testInvalidUTF8IsAnErrorNamingLineAndColumn() {
        let bytes: [UInt8] = Array("a,b\n1,2\nx,caf".utf8) + [0xE9] + Array("\n".utf8)
        TestSupport.assertRungError(try records(bytes), kind: .badInput,
                                    contains: ["t.csv line 3, column 2", "0xE9 is not UTF-8", "latin-1"])
        // Overlong forms and surrogates are invalid too; a truncated sequence at the end is.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            TestSupport.assertRungError(try records(Array("a\n".utf8) + bad), kind: .badInput, contains: ["line 2, column 1", "not UTF-8"])
        }
    }

    func testValidUTF8PassesThrough() throws {
        let c = try records(Array("a,b\ncafé,\"日本, 語\"\n😀,ü\n".utf8))
        XCTAssertEqual(c.records, [["a", "b"], ["café", "日本, 語"], ["😀", "ü"]])
    }

    func testLatin1IsConverted() throws {
        let bytes: [UInt8] = Array("name,city\n".utf8) + [0x4A, 0x6F, 0x73, 0xE9] + Array(",M".utf8) + [0xFC] + Array("nchen\n".utf8)
        var dialect = CSVDialect()
        dialect.encoding = .latin1
        let raw = try RawTable.parse(bytes, sourceName: "l.csv", dialect: dialect)
        XCTAssertEqual(raw.levels[0].strings(), ["José"])
        XCTAssertEqual(raw.levels[1].strings(), ["München"])
        XCTAssertEqual(raw.replacedBytes, 0)
    }

    func testReplacementIsCounted() throws {
        let bytes: [UInt8] = Array("a,b\nx".utf8) + [0xFF] + Array(",y".utf8) + [0] + Array("\nz,ok\n".utf8)
        var dialect = CSVDialect()
        dialect.invalidBytes = .replace
        let raw = try RawTable.parse(bytes, sourceName: "r.csv", dialect: dialect)
        XCTAssertEqual(raw.replacedBytes, 2)
        XCTAssertEqual(raw.levels[0].strings(), ["x\u{FFFD}", "z"])
        XCTAssertEqual(raw.levels[1].strings(), ["y\u{FFFD}", "ok"])
        // Clean input is not copied or counted.
        XCTAssertNil(CSVText.prepare(Array("a,b\n1,2\n".utf8), dialect: dialect))
    }

    func testAFailedPrepareLeavesNoTemporaryDirectory() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let source = try TestSupport.write("id,y\n1,yes\n2,no\u{0}\n", "nul.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: "name: n\ntarget: {from: y, positive: [\"yes\"]}\n", fileName: "n.yaml")
        TestSupport.assertRungError(try DatasetPreparer.prepare(source: source, recipe: recipe, out: dir.appendingPathComponent("out")),
                                    kind: .badInput, contains: ["nul.csv line 3, column 2", "NUL"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["nul.csv"])
    }
}
