import Foundation
import RungCore
import RungData
import XCTest

final class PreprocessorTests: XCTestCase {
    func table() -> CleanTable {
        CleanTable(columns: [
            .text("id", role: .id, ["a", "b", "c", "d"]),
            .numeric("x", [1, 2, 3, 4]),
            .numeric("gap", [10, nil, 30, 20]),
            .numeric("flat", [7, 7, 7, 7]),
            .text("colour", ["red", "blue", "red", "green"]),
            .text("code", ["10", "9", "1", nil]),
            .numeric("y", role: .target, [1, 0, 0, 1]),
        ])
    }

    func testFitLearnsMeansPopulationStdsAndSortedCategories() throws {
        let p = try Preprocessor.fit(table())
        XCTAssertEqual(p.numeric.map(\.name), ["x", "gap", "flat"])
        XCTAssertEqual(p.numeric[0].mean, 2.5)
        XCTAssertEqual(p.numeric[0].std, (1.25).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(p.numeric[1].mean, 20)
        XCTAssertEqual(p.numeric[1].std, (200.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(p.numeric[2].std, 0)
        XCTAssertEqual(p.categorical, [
            .init(name: "colour", categories: ["blue", "green", "red"]),
            .init(name: "code", categories: ["1", "9", "10"]),
        ])
        XCTAssertEqual(p.featureNames, ["x", "gap", "flat", "colour=blue", "colour=green", "colour=red", "code=1", "code=9", "code=10"])
        XCTAssertEqual(p.idColumns, ["id"])
        XCTAssertEqual(p.target, "y")
    }

    func testTransformStandardisesImputesAndOneHots() throws {
        let p = try Preprocessor.fit(table())
        let m = try p.transform(table())
        XCTAssertEqual(m.rowCount, 4)
        XCTAssertEqual(m.columnCount, 9)
        let d = m.dense()
        let s = Float((1.25).squareRoot())
        XCTAssertEqual(d[0][0], Float(-1.5) / s, accuracy: 1e-6)
        XCTAssertEqual(d[3][0], Float(1.5) / s, accuracy: 1e-6)
        XCTAssertEqual(d[1][1], 0, "a missing numeric value is imputed with the mean")
        XCTAssertEqual(d.map { $0[2] }, [0, 0, 0, 0], "a zero-std column encodes as 0")
        XCTAssertEqual(Array(d[0][3...]), [0, 0, 1, 0, 0, 1])
        XCTAssertEqual(Array(d[1][3...]), [1, 0, 0, 0, 1, 0])
        XCTAssertEqual(Array(d[3][3...]), [0, 1, 0, 0, 0, 0], "a missing category is all zeros")
        // Only non-zero entries are stored, columns ascending within each row.
        XCTAssertFalse(m.values.contains(0))
        for r in 0..<m.rowCount {
            let cols = m.columnIndices[m.rowOffsets[r] ..< m.rowOffsets[r + 1]]
            XCTAssertEqual(Array(cols), cols.sorted())
        }
        XCTAssertEqual(m.storedCount, d.flatMap { $0 }.filter { $0 != 0 }.count)
    }

    func testTransformWithCategoryIndexesMadeOnceIsTheSame() throws {
        let p = try Preprocessor.fit(table())
        let indexes = p.categoryIndexes()
        XCTAssertEqual(indexes, [["blue": 0, "green": 1, "red": 2], ["1": 0, "9": 1, "10": 2]])
        let fresh = CleanTable(columns: [
            .numeric("x", [5, nil]), .numeric("gap", [1, 2]), .numeric("flat", [7, 8]),
            .text("colour", ["green", "purple"]), .numeric("code", [9, 10]),
        ])
        for t in [table(), fresh] {
            XCTAssertEqual(try p.transform(t, categoryIndexes: indexes), try p.transform(t))
        }
    }

    func testUnknownCategoryIsIgnored() throws {
        let p = try Preprocessor.fit(table())
        let fresh = CleanTable(columns: [
            .numeric("x", [2.5]), .numeric("gap", [20]), .numeric("flat", [8]),
            .text("colour", ["purple"]), .text("code", ["9"]),
        ])
        let d = try p.transform(fresh).dense()
        XCTAssertEqual(d, [[0, 0, 0, 0, 0, 0, 0, 1, 0]])
    }

    func testMissingFeatureColumnIsAnError() throws {
        let p = try Preprocessor.fit(table())
        let fresh = CleanTable(sourceName: "new.csv", columns: [.numeric("x", [1])])
        TestSupport.assertRungError(try p.transform(fresh), kind: .badInput, contains: ["new.csv", "`gap`"])
    }

    func testJSONRoundTripGivesIdenticalTransform() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        // Awkward values: means and stds that need all 17 digits.
        let numbers: [Double?] = (0..<50).map { Double($0) * 0.1 + 1.0 / 3.0 }
        let t = CleanTable(columns: [
            .numeric("v", numbers), .text("c", (0..<50).map { "k\($0 % 7)" }), .numeric("y", role: .target, (0..<50).map { Double($0 % 2) }),
        ])
        let p = try Preprocessor.fit(t, recipe: "r", cleaning: CleaningSpec(missingMarkers: ["?"]))
        let url = dir.appendingPathComponent("preprocessor.json")
        try p.save(to: url)
        let back = try Preprocessor.load(from: url)
        XCTAssertEqual(back, p)
        XCTAssertEqual(try back.transform(t), try p.transform(t))
        XCTAssertEqual(try back.jsonData(), try p.jsonData())
    }

    func testJSONWithInconsistentFeatureNamesIsRejected() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let p = try Preprocessor.fit(table())
        var text = String(decoding: try p.jsonData(), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"colour=green\"", with: "\"colour=teal\"")
        let url = try TestSupport.write(text, "preprocessor.json", in: dir)
        TestSupport.assertRungError(try Preprocessor.load(from: url), kind: .badInput, contains: ["preprocessor.json", "feature_names"])
    }
}
