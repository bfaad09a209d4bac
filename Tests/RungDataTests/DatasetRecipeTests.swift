import Foundation
import RungCore
import RungData
import XCTest

final class DatasetRecipeTests: XCTestCase {
    let minimal = """
    name: tiny
    target:
      from: outcome
      positive: [yes]
    """

    func testDiabetesRecipeMatchesTheContract() throws {
        let r = try TestSupport.diabetesRecipe()
        XCTAssertEqual(r.name, "uci-diabetes-130")
        let s = r.cleaning
        XCTAssertEqual(s.missingMarkers, ["?"])
        XCTAssertEqual(s.dropColumns, ["weight", "payer_code", "medical_specialty"])
        XCTAssertEqual(s.fillMissing, ["race", "diag_1", "diag_2", "diag_3"].map { CleaningSpec.Fill(column: $0, value: "Missing") })
        XCTAssertEqual(s.rowFilters, [CleaningSpec.RowFilter(column: "discharge_disposition_id", values: ["11", "13", "14", "19", "20", "21"])])
        XCTAssertEqual(s.target, CleaningSpec.Target(name: "readmitted_binary", source: "readmitted", negative: ["NO"]))
        XCTAssertEqual(s.ordinals.first?.labels, (0..<10).map { "[\($0 * 10)-\($0 * 10 + 10))" })
        XCTAssertEqual(s.ordinals.first?.values, (0..<10).map(Double.init))
        XCTAssertEqual(s.idColumns, ["encounter_id", "patient_nbr"])
        XCTAssertEqual(s.categorical, ["admission_type_id", "discharge_disposition_id", "admission_source_id"])
        XCTAssertEqual(r.split, SplitRule(initialFraction: 0.2, train: 0.7, validation: 0.15, futureBatches: 4))
    }

    func testDefaultsOfAMinimalRecipe() throws {
        let r = try DatasetRecipe.parse(yaml: minimal, fileName: "tiny.yaml")
        XCTAssertEqual(r.split, SplitRule())
        XCTAssertEqual(r.cleaning.target?.name, "outcome")
        XCTAssertEqual(r.delimiter, UInt8(ascii: ","))
    }

    func testUnknownTopLevelKeyNamesFileLineAndKey() {
        let yaml = minimal + "\nsplits:\n  train: 0.5\n"
        TestSupport.assertRungError(try DatasetRecipe.parse(yaml: yaml, fileName: "tiny.yaml"), kind: .badInput,
                                    contains: ["tiny.yaml:5: key splits: unknown key 'splits' (expected one of: name,"])
    }

    func testUnknownNestedKeyNamesLine() {
        let yaml = minimal + "\nsplit:\n  train: 0.5\n  validaton: 0.2\n"
        TestSupport.assertRungError(try DatasetRecipe.parse(yaml: yaml, fileName: "tiny.yaml"),
                                    contains: ["tiny.yaml:7: key split.validaton: unknown key 'validaton' (expected one of: initial_fraction, train, validation, future_batches, order, seed, group, sort_by)"])
    }

    func testTargetNeedsExactlyOneRule() {
        let yaml = "name: x\ntarget:\n  from: y\n  positive: [a]\n  negative: [b]\n"
        TestSupport.assertRungError(try DatasetRecipe.parse(yaml: yaml, fileName: "r.yaml"),
                                    contains: ["r.yaml:3: key target: needs exactly one of `positive` and `negative`"])
    }

    func testBadSplitFractions() {
        let yaml = minimal + "\nsplit:\n  train: 0.9\n  validation: 0.2\n"
        TestSupport.assertRungError(try DatasetRecipe.parse(yaml: yaml, fileName: "r.yaml"),
                                    contains: ["r.yaml:6: key split: ", "sum to less than 1"])
    }

    func testNonNumberWhereNumberExpected() {
        let yaml = minimal + "\nsplit:\n  train: lots\n"
        TestSupport.assertRungError(try DatasetRecipe.parse(yaml: yaml, fileName: "r.yaml"),
                                    contains: ["r.yaml:6: key split.train: must be a number, not `lots`"])
    }

    func testColumnInTwoRolesIsAnError() {
        let yaml = minimal + "\nid_columns: [a]\ncategorical: [b, a]\n"
        TestSupport.assertRungError(try DatasetRecipe.parse(yaml: yaml, fileName: "r.yaml"),
                                    contains: ["r.yaml:6: key categorical: column `a` is both in `id_columns` and in `categorical`"])
    }

    func testYAMLSyntaxErrorHasLine() {
        let yaml = "name: x\ntarget: [unclosed\n"
        TestSupport.assertRungError(try DatasetRecipe.parse(yaml: yaml, fileName: "r.yaml"), contains: ["r.yaml:3: invalid YAML: "])
    }

    func testColumnMissingFromCSVNamesRecipeLineAndCSV() throws {
        let yaml = minimal + "\ndrop_columns: [a, wieght]\n"
        let r = try DatasetRecipe.parse(yaml: yaml, fileName: "r.yaml")
        TestSupport.assertRungError(try r.validateColumns(header: ["a", "weight", "outcome"], csvName: "data.csv"),
                                    kind: .badInput, contains: ["r.yaml:5: key drop_columns: column `wieght` is not in data.csv"])
    }

    func testPrepareReportsAColumnTheCSVLacks() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let csv = try TestSupport.write("a,outcome\n1,yes\n", "d.csv", in: dir)
        let yaml = minimal + "\nfill_missing:\n  colour: none\n"
        let r = try DatasetRecipe.parse(yaml: yaml, fileName: "r.yaml")
        TestSupport.assertRungError(try DatasetPreparer.prepare(source: csv, recipe: r, out: dir.appendingPathComponent("out")),
                                    contains: ["r.yaml:6: key fill_missing: column `colour` is not in d.csv"])
    }

    func testOrdinalAsMapping() throws {
        let yaml = minimal + "\nordinal:\n  size: {small: 1, large: 10}\n"
        let r = try DatasetRecipe.parse(yaml: yaml, fileName: "r.yaml")
        XCTAssertEqual(r.cleaning.ordinals, [CleaningSpec.Ordinal(column: "size", labels: ["small", "large"], values: [1, 10])])
    }
}
