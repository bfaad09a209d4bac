import Foundation
import RungCore
@testable import RungData
import XCTest

/// `split.order`, `split.seed`, `split.group` and `split.sort_by` (issue 12).
final class SplitPlannerTests: XCTestCase {
    /// 1 000 rows: positives are the last 30 % of the file (so file order puts none in train),
    /// patients of 1–5 rows each, a shuffled time column.
    private func csv() -> String {
        var text = "row,patient,when,x,y\n"
        var patient = 0, left = 0
        for i in 0 ..< 1000 {
            if left == 0 { patient += 1; left = 1 + (patient * 7) % 5 }
            left -= 1
            text += "\(i),p\(patient),\((i * 389) % 1000),\(i % 17),\(i >= 700 ? 1 : 0)\n"
        }
        return text
    }

    private func prepare(_ split: String, future: String = "initial_fraction: 1, future_batches: 0") throws -> (DataManifest, URL) {
        let dir = try TestSupport.temporaryDirectory(self)
        let source = try TestSupport.write(csv(), "d.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: """
            name: d
            target: {from: y, positive: ["1"]}
            id_columns: [row, patient]
            split: {\(future), train: 0.6, validation: 0.2, \(split)}
            """, fileName: "d.yaml")
        let out = dir.appendingPathComponent("out")
        return (try DatasetPreparer.prepare(source: source, recipe: recipe, out: out), out)
    }

    /// The rows of one split file: (row, patient, when, y).
    private func rows(_ out: URL, _ file: String) throws -> [(row: Int, patient: String, when: Int, y: Int)] {
        let text = try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (Int(f[0])!, f[1], Int(f[2])!, Int(f[4])!)
        }
    }

    func testFileOrderPutsNoPositivesInTrainAndIsRefused() {
        TestSupport.assertRungError(try prepare("order: file"), contains: ["the train split of d.csv has no positive rows"])
    }

    func testStratifiedSplitsKeepTheClassBalanceWithinOneRow() throws {
        let (m, out) = try prepare("order: stratified, seed: 7")
        XCTAssertEqual(m.splits.map(\.rows), [600, 200, 200])
        for (file, size) in [("train.csv", 600), ("validation.csv", 200), ("test.csv", 200)] {
            let positives = try rows(out, file).reduce(0) { $0 + $1.y }
            XCTAssertLessThanOrEqual(abs(Double(positives) - 0.3 * Double(size)), 1, file)
        }
        XCTAssertEqual(m.splitOrder, "order=stratified seed=7")
        // Every row is in exactly one split.
        let all = try ["train.csv", "validation.csv", "test.csv"].flatMap { try rows(out, $0).map(\.row) }
        XCTAssertEqual(all.sorted(), Array(0 ..< 1000))
    }

    func testTheSeedDecidesTheOrderAndTheDataVersion() throws {
        let (a, outA) = try prepare("order: shuffle, seed: 1")
        let (b, outB) = try prepare("order: shuffle, seed: 1")
        let (c, _) = try prepare("order: shuffle, seed: 2")
        let (d, _) = try prepare("order: stratified, seed: 1")
        XCTAssertEqual(a.dataVersion, b.dataVersion)
        XCTAssertEqual(try rows(outA, "train.csv").map(\.row), try rows(outB, "train.csv").map(\.row))
        XCTAssertNotEqual(a.dataVersion, c.dataVersion)
        XCTAssertNotEqual(a.dataVersion, d.dataVersion)
        let trainRows = try rows(outA, "train.csv").map(\.row)
        XCTAssertNotEqual(trainRows, trainRows.sorted(), "shuffled")
    }

    func testGroupsNeverStraddleASplitAndStratifiedGroupsStayBalanced() throws {
        for order in ["shuffle", "stratified"] {
            let (m, out) = try prepare("order: \(order), seed: 3, group: patient", future: "initial_fraction: 0.8, future_batches: 2")
            var seen: [String: String] = [:]
            for s in m.splits {
                for r in try rows(out, s.file) {
                    if let other = seen[r.patient], other != s.file { XCTFail("\(order): patient \(r.patient) is in \(other) and \(s.file)") }
                    seen[r.patient] = s.file
                }
            }
            XCTAssertEqual(m.splits.reduce(0) { $0 + $1.rows }, 1000)
            // Cuts move to group boundaries, at most a few rows from the asked sizes.
            XCTAssertLessThanOrEqual(abs(m.splits[0].rows - 480), 5, order)
            if order == "stratified" {
                for s in m.splits.prefix(3) { XCTAssertEqual(s.positiveRate, 0.3, accuracy: 0.05, "\(s.file)") }
            }
        }
    }

    func testSortByOrdersRowsByATimeColumn() throws {
        let (m, out) = try prepare("sort_by: when", future: "initial_fraction: 0.5, future_batches: 1")
        let train = try rows(out, "train.csv").map(\.when)
        XCTAssertEqual(train, Array(0 ..< 300))
        XCTAssertEqual(try rows(out, "future/batch-001.csv").map(\.when), Array(500 ..< 1000))
        XCTAssertEqual(m.splitOrder, "order=file sort_by=when")
    }

    func testBadSplitKeysNameTheLine() {
        func bad(_ split: String, _ fragments: [String]) {
            TestSupport.assertRungError(try DatasetRecipe.parse(yaml: "name: n\ntarget: {from: y, positive: [a]}\nsplit:\n\(split)\n", fileName: "n.yaml"),
                                        contains: fragments)
        }
        bad("  order: random", ["n.yaml:4", "split.order", "file, shuffle, stratified"])
        bad("  seed: -1", ["n.yaml:4", "split.seed"])
        bad("  order: shuffle\n  sort_by: t", ["n.yaml:4", "`sort_by`"])
        TestSupport.assertRungError(try {
            let r = try DatasetRecipe.parse(yaml: "name: n\ntarget: {from: y, positive: [a]}\nsplit:\n  group: patient\n", fileName: "n.yaml")
            try r.validateColumns(header: ["y", "x"], csvName: "d.csv")
        }(), contains: ["n.yaml:4", "split.group", "`patient` is not in d.csv"])
    }
}
