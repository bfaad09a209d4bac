import Foundation
import RungCore
@testable import RungData
import XCTest

/// The recipe's `csv:` dialect keys: trimming, header-less files, comments, quotes and
/// encodings, each read as pandas' `read_csv` reads the same file.
final class CSVDialectTests: XCTestCase {
    private func records(_ text: String, _ dialect: CSVDialect) throws -> [[String]] {
        var collector = RecordCollector()
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { try CSVReader(sourceName: "t.csv", dialect: dialect).read($0, into: &collector) }
        return collector.records
    }

    func testTrimRemovesSpacesAroundUnquotedFieldsOnly() throws {
        let d = CSVDialect(trim: true)
        XCTAssertEqual(try records("a, b ,c\n39, State-gov,  <=50K\n \" x \" , ?\t,\n", d),
                       [["a", "b", "c"], ["39", "State-gov", "<=50K"], [" x ", "?", ""]])
        // Without trim the spaces are part of the values.
        XCTAssertEqual(try records("a, b\n1, ?\n", CSVDialect()), [["a", " b"], ["1", " ?"]])
        // A line of only spaces is blank when trimming.
        XCTAssertEqual(try records("a\n   \n1\n", d), [["a"], ["1"]])
    }

    func testCommentLinesAndTrailingComments() throws {
        let d = CSVDialect(comment: UInt8(ascii: "#"))
        XCTAssertEqual(try records("# about\na,b\n1,2 # note\n#1,2\n\"#\",3\n", d), [["a", "b"], ["1", "2 "], ["#", "3"]])
    }

    func testOtherQuoteAndNoQuoting() throws {
        XCTAssertEqual(try records("a,b\n'x,y',\"z\"\n", CSVDialect(quote: UInt8(ascii: "'"))), [["a", "b"], ["x,y", "\"z\""]])
        XCTAssertEqual(try records("a,b\n\"x\",5\" tall\n", CSVDialect(quote: nil)), [["a", "b"], ["\"x\"", "5\" tall"]])
    }

    func testHeaderlessFileTakesTheColumnNames() throws {
        let d = CSVDialect(header: false, columns: ["age", "class"])
        let raw = try RawTable.parse(Array("63,1\n67,0\n".utf8), sourceName: "h.data", dialect: d)
        XCTAssertEqual(raw.header, ["age", "class"])
        XCTAssertEqual(raw.rowCount, 2)
        XCTAssertEqual(raw.lines, [1, 2])
        TestSupport.assertRungError(try RawTable.parse(Array("63,1\n67\n".utf8), sourceName: "h.data", dialect: d),
                                    kind: .badInput, contains: ["h.data line 2", "expected 2 fields as in the `csv.columns`", "found 1"])
    }

    func testColumnsRenameAHeaderOfTheSameWidth() throws {
        let d = CSVDialect(columns: ["x", "y"])
        let raw = try RawTable.parse(Array("a,b\n1,2\n".utf8), sourceName: "r.csv", dialect: d)
        XCTAssertEqual(raw.header, ["x", "y"])
        TestSupport.assertRungError(try RawTable.parse(Array("a,b,c\n1,2,3\n".utf8), sourceName: "r.csv", dialect: d),
                                    kind: .badInput, contains: ["r.csv line 1", "3 columns", "`csv.columns` names 2"])
    }

    func testRecipeReadsTheDialectKeys() throws {
        let r = try DatasetRecipe.parse(yaml: """
            name: adult
            csv:
              trim: true
              header: false
              columns: [age, workclass, income]
              comment: "|"
              quote: "'"
              encoding: latin-1
              invalid_bytes: replace
              max_field_bytes: 1000
              missing: ["?"]
            target: {from: income, positive: [">50K"]}
            """, fileName: "adult.yaml")
        XCTAssertEqual(r.csv, CSVDialect(quote: UInt8(ascii: "'"), trim: true, comment: UInt8(ascii: "|"), header: false,
                                         columns: ["age", "workclass", "income"], encoding: .latin1, invalidBytes: .replace,
                                         maxFieldBytes: 1000))
        XCTAssertEqual(r.cleaning.missingMarkers, ["?"])
        XCTAssertEqual(try DatasetRecipe.parse(yaml: "name: n\ncsv: {quote: none}\ntarget: {from: y, positive: [a]}\n", fileName: "n.yaml").csv.quote, nil)
    }

    func testBadDialectKeysNameFileLineAndKey() {
        func bad(_ csv: String, _ fragments: [String]) {
            TestSupport.assertRungError(try DatasetRecipe.parse(yaml: "name: n\ncsv:\n\(csv)\ntarget: {from: y, positive: [a]}\n", fileName: "n.yaml"),
                                        contains: fragments)
        }
        bad("  header: false", ["n.yaml:3", "`header: false` needs `columns`"])
        bad("  header: nope", ["n.yaml:3", "header"])
        bad("  encoding: ebcdic", ["n.yaml:3", "csv.encoding", "`utf-8` or `latin-1`"])
        bad("  invalid_bytes: skip", ["n.yaml:3", "csv.invalid_bytes", "`error` or `replace`"])
        bad("  quote: \",\"", ["n.yaml:3", "same as the delimiter"])
        bad("  comment: \"ab\"", ["n.yaml:3", "csv.comment", "one ASCII character"])
        bad("  columns: [a, b, a]", ["n.yaml:3", "`a` twice"])
        bad("  trim: true\n  delimiter: \"\\t\"", ["n.yaml:3", "cannot be a space or a tab"])
        bad("  max_field_bytes: 0", ["n.yaml:3", "csv.max_field_bytes"])
        bad("  skipinitialspace: true", ["n.yaml:3", "skipinitialspace"])
    }

    func testPreparedFromAHeaderlessTrimmedFile() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        var text = ""
        for i in 0 ..< 200 {
            text += "\(20 + i % 50), \(i % 4 == 0 ? "?" : ["Private", "State-gov"][i % 2]), \(i % 5 == 0 ? ">50K" : "<=50K")\n"
        }
        let source = try TestSupport.write(text, "adult.data", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: """
            name: tiny-adult
            csv: {trim: true, header: false, columns: [age, workclass, income], missing: ["?"]}
            target: {from: income, positive: [">50K"]}
            split: {initial_fraction: 1, train: 0.5, validation: 0.25, future_batches: 0}
            """, fileName: "tiny.yaml")
        let m = try DatasetPreparer.prepare(source: source, recipe: recipe, out: dir.appendingPathComponent("out"))
        XCTAssertEqual(m.source.rows, 200)
        XCTAssertEqual(m.splits.first { $0.split == "train" }?.positiveRate, 0.2)
        let train = try String(contentsOf: dir.appendingPathComponent("out/train.csv"), encoding: .utf8)
        XCTAssertTrue(train.hasPrefix("age,workclass,income\n20,,1\n21,State-gov,0\n"), String(train.prefix(80)))
    }
}
