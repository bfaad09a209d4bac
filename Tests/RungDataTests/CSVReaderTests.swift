import Foundation
import RungCore
@testable import RungData
import XCTest

final class CSVReaderTests: XCTestCase {
    func testPlainRecordsWithLF() throws {
        let c = try TestSupport.records("a,b,c\n1,2,3\n4,5,6\n")
        XCTAssertEqual(c.records, [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"]])
        XCTAssertEqual(c.lines, [1, 2, 3])
    }

    func testCRLFAndMissingFinalNewline() throws {
        let c = try TestSupport.records("a,b\r\n1,2\r\n3,4")
        XCTAssertEqual(c.records, [["a", "b"], ["1", "2"], ["3", "4"]])
        XCTAssertEqual(c.lines, [1, 2, 3])
    }

    func testQuotedFieldsWithDelimitersDoubledQuotesAndNewlines() throws {
        let text = "id,note\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,\"crlf\r\ninside\"\n5,\"\"\n"
        let c = try TestSupport.records(text)
        XCTAssertEqual(c.records.map { $0[1] }, ["note", "a, b", "say \"hi\"", "two\nlines", "crlf\r\ninside", ""])
        // Records start on the line where they begin; embedded newlines advance the count.
        XCTAssertEqual(c.lines, [1, 2, 3, 4, 6, 8])
    }

    func testEmptyFieldsAndTrailingDelimiter() throws {
        let c = try TestSupport.records("a,b,c\n,,\n1,,\n")
        XCTAssertEqual(c.records, [["a", "b", "c"], ["", "", ""], ["1", "", ""]])
    }

    func testBlankLinesAreSkipped() throws {
        let c = try TestSupport.records("a,b\n\n1,2\r\n\r\n3,4\n")
        XCTAssertEqual(c.records, [["a", "b"], ["1", "2"], ["3", "4"]])
        XCTAssertEqual(c.lines, [1, 3, 5])
    }

    func testUnclosedQuoteNamesLineAndField() {
        TestSupport.assertRungError(try TestSupport.records("a,b\n1,2\n3,\"open\n"), kind: .badInput,
                                    contains: ["t.csv", "line 3, column 2", "never closed"])
    }

    func testCharacterAfterClosingQuoteIsAnError() {
        TestSupport.assertRungError(try TestSupport.records("a,b\n\"x\"y,2\n"), kind: .badInput,
                                    contains: ["t.csv", "line 2, column 1", "`y`"])
    }

    func testByteOrderMarkAndQuotesInsideUnquotedFields() throws {
        let c = try TestSupport.records("\u{FEFF}a,b\n5\" tall,x\n")
        XCTAssertEqual(c.records, [["a", "b"], ["5\" tall", "x"]])
    }

    func testOtherDelimiter() throws {
        var collector = RecordCollector()
        let bytes = Array("a;b\n\"1;2\";3\n".utf8)
        try bytes.withUnsafeBufferPointer {
            try CSVReader(sourceName: "t.csv", delimiter: UInt8(ascii: ";")).read($0, into: &collector)
        }
        XCTAssertEqual(collector.records, [["a", "b"], ["1;2", "3"]])
    }

    func testWrongFieldCountNamesFileLineAndCounts() {
        let text = "a,b,c\n1,2,3\n\"x\ny\",5\n"
        TestSupport.assertRungError(try RawTable.parse(Array(text.utf8), sourceName: "rows.csv"), kind: .badInput,
                                    contains: ["rows.csv", "line 3", "expected 3 fields", "found 2"])
    }

    func testWrongFieldCountRowsCanBeSkipped() throws {
        let text = "a,b\n1,2\n3\n4,5,6\n7,8\n"
        let raw = try RawTable.parse(Array(text.utf8), sourceName: "rows.csv", skipBadRecords: true)
        XCTAssertEqual(raw.rowCount, 2)
        XCTAssertEqual(raw.skippedLines, [3, 4])
        XCTAssertEqual(raw.lines, [2, 5])
        XCTAssertEqual(raw.codes[0].map { raw.levels[0].string($0) }, ["1", "7"])
        XCTAssertEqual(raw.codes[1].map { raw.levels[1].string($0) }, ["2", "8"])
    }

    func testDuplicateHeaderIsAnError() {
        TestSupport.assertRungError(try RawTable.parse(Array("a,b,a\n1,2,3\n".utf8), sourceName: "h.csv"),
                                    contains: ["h.csv", "line 1", "`a` twice"])
    }

    func testMissingMarkersBecomeMissingValues() throws {
        let text = "x,y,z\n1,?,a\n?,NA,\n3,5,b\n"
        let raw = try RawTable.parse(Array(text.utf8), sourceName: "m.csv")
        let spec = CleaningSpec(missingMarkers: ["?", "NA"])
        let table = try TableCleaner(spec: spec, kinds: .infer, requireTarget: false).clean(raw)
        guard case .numeric(let x)? = table.column(named: "x")?.values,
              case .numeric(let y)? = table.column(named: "y")?.values else {
            return XCTFail("x and y should be numeric")
        }
        XCTAssertEqual(x[0], 1); XCTAssertTrue(x[1].isNaN); XCTAssertEqual(x[2], 3)
        XCTAssertTrue(y[0].isNaN); XCTAssertTrue(y[1].isNaN); XCTAssertEqual(y[2], 5)
        XCTAssertEqual((0..<3).map { table.column(named: "z")!.text(at: $0) }, ["a", nil, "b"])
    }

    func testInterningGivesOneCodePerDistinctValue() throws {
        var interner = ByteInterner()
        var codes: [Int32] = []
        // Short (packed) and long values, and values that differ only by a trailing NUL.
        let words = (0..<5000).map { i in i % 3 == 0 ? "a long value number \(i % 1234)" : "w\(i % 1234)" + (i % 7 == 0 ? "\u{0}" : "") }
        for w in words { codes.append(interner.intern(w)) }
        XCTAssertEqual(interner.count, Set(words).count)
        for (w, c) in zip(words, codes) { XCTAssertEqual(interner.string(c), w) }
        XCTAssertEqual(interner.code(of: words[17]), codes[17])
        XCTAssertEqual(interner.code(of: words[3]), codes[3])
        XCTAssertNil(interner.code(of: "nope"))
    }

    func testRawTableKeepsEveryValueOfManyShortAndLongFields() throws {
        // Values of every length from 0 to 12 bytes, near and far from the end of the input.
        var rows: [[String]] = []
        for i in 0..<600 {
            rows.append((0..<3).map { j in String(repeating: "abcdefghijkl", count: 1).prefix((i * 7 + j * 5) % 13).description + (i % 2 == 0 ? "" : "\(j)") })
        }
        let text = "a,b,c\n" + rows.map { $0.joined(separator: ",") }.joined(separator: "\n")
        let raw = try RawTable.parse(Array(text.utf8), sourceName: "w.csv")
        XCTAssertEqual(raw.rowCount, rows.count)
        for j in 0..<3 {
            XCTAssertEqual(raw.codes[j].map { raw.levels[j].string($0) }, rows.map { $0[j] })
        }
    }

    func testNumberSyntax() {
        for yes in ["0", "-1", "+2.5", ".5", "5.", "1e3", "1E-3", "250.83"] { XCTAssertNotNil(NumberText.parse(yes), yes) }
        for no in ["", "nan", "inf", "0x10", "1e", "V57", "1,0", " 1", "-", "."] { XCTAssertNil(NumberText.parse(no), no) }
    }
}
