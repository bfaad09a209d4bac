import Foundation
import RungCore
@testable import RungData
import XCTest

/// `rung data prepare` refuses recipes that would silently produce garbage (issue 12): the
/// Adult file read without `csv.trim` used to give every split a positive rate of 0.
final class RecipeChecksTests: XCTestCase {
    /// Adult-like rows: spaces after the commas, `?` for missing, `>50K` in a fifth of them.
    private func adultLike(rows: Int = 200) -> String {
        var text = ""
        for i in 0 ..< rows {
            text += "\(20 + i % 50), \(i % 4 == 0 ? "?" : ["Private", "State-gov"][i % 2]), \(i % 5 == 0 ? ">50K" : "<=50K")\n"
        }
        return text
    }

    private func prepare(_ csv: String, _ recipeYAML: String) throws -> (DataManifest, URL) {
        let dir = try TestSupport.temporaryDirectory(self)
        let source = try TestSupport.write(csv, "adult.data", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: recipeYAML, fileName: "adult.yaml")
        let out = dir.appendingPathComponent("out")
        do {
            return (try DatasetPreparer.prepare(source: source, recipe: recipe, out: out), dir)
        } catch {
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["adult.data"], "nothing half-written")
            throw error
        }
    }

    private let split = "split: {initial_fraction: 1, train: 0.5, validation: 0.25, future_batches: 0}"

    func testATargetLabelThatNeverOccursListsTheValuesAndTheNearMiss() {
        let yaml = """
            name: adult
            csv: {header: false, columns: [age, workclass, income]}
            target:
              from: income
              positive: [">50K"]
            \(split)
            """
        TestSupport.assertRungError(try prepare(adultLike(), yaml), kind: .badInput, contains: [
            "adult.yaml:5: key target.positive", "`>50K` never occurs in column `income` of adult.data",
            "` <=50K` (160), ` >50K` (40)", "` >50K` differs only by spaces around it (set `csv.trim: true`)",
        ])
    }

    func testALabelInTheWrongCaseIsPointedOut() {
        let csv = "y,x\n" + (0 ..< 40).map { "\($0 % 2 == 0 ? "Yes" : "No"),\($0)\n" }.joined()
        TestSupport.assertRungError(try prepare(csv, "name: n\ntarget: {from: y, negative: [\"no\"]}\n\(split)\n"),
                                    contains: ["adult.yaml:2: key target.negative", "`no` never occurs", "`No` differs only in letter case"])
    }

    func testAMissingMarkerThatOnlyOccursWithSpacesIsAnError() {
        let yaml = """
            name: adult
            csv:
              header: false
              columns: [age, workclass, income]
              missing: ["?"]
            target: {from: income, positive: [" >50K"]}
            \(split)
            """
        TestSupport.assertRungError(try prepare(adultLike(), yaml), kind: .badInput, contains: [
            "adult.yaml:5: key csv.missing", "the missing marker `?` never occurs in adult.data",
            "` ?` occurs 50 times (in `workclass`)", "spaces around it",
        ])
    }

    func testASplitWithOneClassIsAnError() {
        // Every positive row is at the end of the file, so in file order train has none.
        let csv = "x,y\n" + (0 ..< 100).map { "\($0),\($0 >= 90 ? 1 : 0)\n" }.joined()
        TestSupport.assertRungError(try prepare(csv, "name: n\ntarget: {from: y, positive: [\"1\"]}\n\(split)\n"), kind: .badInput,
                                    contains: ["adult.yaml:2: key target.positive", "the train split of adult.data has no positive rows", "50 rows"])
    }

    func testTheTrimmedRecipePreparesWithTheRightRates() throws {
        let yaml = """
            name: adult
            csv: {trim: true, header: false, columns: [age, workclass, income], missing: ["?"]}
            target: {from: income, positive: [">50K"]}
            \(split)
            """
        let (m, _) = try prepare(adultLike(), yaml)
        XCTAssertEqual(m.splits.map(\.positiveRate), [0.2, 0.2, 0.2])
        XCTAssertNil(m.warnings)
    }

    func testAnIdLikeCategoricalIsAWarningInTheManifest() throws {
        let csv = "code,x,y\n" + (0 ..< 100).map { "c\($0),\($0 % 3),\($0 % 2)\n" }.joined()
        let (m, dir) = try prepare(csv, "name: n\ntarget: {from: y, positive: [\"1\"]}\n\(split)\n")
        XCTAssertEqual(m.warnings?.map(\.kind), ["id_like_column"])
        XCTAssertEqual(m.warnings?.first?.column, "code")
        XCTAssertEqual(m.warnings?.first?.key, "id_columns")
        XCTAssertTrue(m.warnings?.first?.message.contains("50 distinct values in 50 train rows") ?? false)
        let json = try String(contentsOf: dir.appendingPathComponent("out/manifest.json"), encoding: .utf8)
        XCTAssertTrue(json.contains("\"kind\" : \"id_like_column\""), json)
    }

    func testReplacedBytesAreAWarning() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        var bytes = Array("x,y\n".utf8)
        for i in 0 ..< 40 { bytes += Array("\(i % 3)".utf8) + (i == 7 ? [0xFF] : []) + Array(",\(i % 2)\n".utf8) }
        let source = dir.appendingPathComponent("r.csv")
        try Data(bytes).write(to: source)
        let recipe = try DatasetRecipe.parse(yaml: "name: n\ncsv: {invalid_bytes: replace}\ntarget: {from: y, positive: [\"1\"]}\n\(split)\n", fileName: "r.yaml")
        let m = try DatasetPreparer.prepare(source: source, recipe: recipe, out: dir.appendingPathComponent("out"))
        XCTAssertEqual(m.warnings?.map(\.kind), ["replaced_bytes"])
        XCTAssertTrue(m.warnings?.first?.message.hasPrefix("1 NUL or invalid UTF-8 bytes") ?? false)
    }
}
