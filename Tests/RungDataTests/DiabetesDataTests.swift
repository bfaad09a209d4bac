import Foundation
import RungCore
import RungData
import XCTest

/// The recipe on the real UCI file. Expected values were computed with pandas 3.0 +
/// scikit-learn 1.8 by bench/reference/diabetes_prepare.py (read_csv with only `?` as
/// missing, the same cleaning, int() splits, ColumnTransformer(StandardScaler,
/// OneHotEncoder(handle_unknown="ignore")) fitted on train).
final class DiabetesDataTests: XCTestCase {
    func testPrepareOnTheRealFileMatchesTheReference() throws {
        guard let source = TestSupport.realDiabetesCSV() else {
            throw XCTSkip("the real dataset is not available (set RUNG_DATASETS)")
        }
        let dir = try TestSupport.temporaryDirectory(self)
        let recipe = try TestSupport.diabetesRecipe()
        let m = try DatasetPreparer.prepare(source: source, recipe: recipe, out: dir.appendingPathComponent("a"))
        XCTAssertEqual(m.source.rows, 101_766)
        XCTAssertEqual(m.source.sha256, KnownDataset.uciDiabetes130.sha256)
        XCTAssertEqual(m.cleanedRows, 99_343)
        XCTAssertEqual(m.split(.train)?.rows, 13_907)
        XCTAssertEqual(m.split(.validation)?.rows, 2_980)
        XCTAssertEqual(m.split(.test)?.rows, 2_981)
        XCTAssertEqual(m.futureBatches.map(\.rows).reduce(0, +), 79_475)
        XCTAssertEqual(m.futureBatches.count, 4)
        XCTAssertEqual(m.encodedFeatureCount, 1_588)
        XCTAssertEqual(m.target, "readmitted_binary")
        XCTAssertEqual(m.idColumns, ["encounter_id", "patient_nbr"])
        XCTAssertEqual(m.split(.train)!.positiveRate, 0.49342057956424823, accuracy: 1e-12)
        XCTAssertEqual(m.split(.validation)!.positiveRate, 0.4590604026845638, accuracy: 1e-12)
        XCTAssertEqual(m.split(.test)!.positiveRate, 0.4337470647433747, accuracy: 1e-12)

        let data = try PreparedData.open(dir.appendingPathComponent("a"))
        let p = data.preprocessor
        XCTAssertEqual(p.numeric.map(\.name), ["age", "time_in_hospital", "num_lab_procedures", "num_procedures", "num_medications",
                                               "number_outpatient", "number_emergency", "number_inpatient", "number_diagnoses"])
        XCTAssertEqual(p.categorical.count, 35)
        XCTAssertFalse(p.featureNames.contains { $0.hasPrefix("readmitted") || $0.hasPrefix("encounter_id") || $0.hasPrefix("weight") })
        XCTAssertTrue(p.featureNames.contains("max_glu_serum=None"), "`None` is a category, not missing")
        XCTAssertTrue(p.featureNames.contains("race=Missing"))
        let means = [5.822247788883296, 4.727906809520386, 46.07334435895592, 1.45149924498454, 15.027683900194146,
                     0.09110519882073775, 0.05450492557704753, 0.5150643560796722, 6.719349967642194]
        let stds = [1.6811441122908892, 3.1549746297857264, 18.176288108309286, 1.7540600211799835, 8.045040846674778,
                    0.5578344213220581, 0.4776356875624598, 1.080215338283069, 2.052269147072259]
        for (k, f) in p.numeric.enumerated() {
            XCTAssertEqual(f.mean, means[k], accuracy: 1e-9 * abs(means[k]), f.name)
            XCTAssertEqual(f.std, stds[k], accuracy: 1e-9 * stds[k], f.name)
        }
        let train = try data.load(.train)
        XCTAssertEqual(train.features.rowCount, 13_907)
        XCTAssertEqual(train.features.columnCount, 1_588)
        XCTAssertEqual(train.features.storedCount, 611_908, "scikit-learn stores 611,908 non-zeros for train")
        let validation = try data.load(.validation)
        XCTAssertEqual(validation.features.storedCount, 131_019, "scikit-learn stores 131,019 non-zeros for validation")

        // A second prepare into another directory gives the same data version.
        let again = try DatasetPreparer.prepare(source: source, recipe: recipe, out: dir.appendingPathComponent("b"))
        XCTAssertEqual(again.dataVersion, m.dataVersion)
        XCTAssertEqual(again.files, m.files)
    }
}
