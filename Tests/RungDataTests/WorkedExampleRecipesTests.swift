import Foundation
import RungCore
@testable import RungData
import XCTest

/// The Adult and Cleveland heart-disease recipes of Config/datasets, applied to small
/// synthetic files in the original formats (never the data itself), found by dataset id.
final class WorkedExampleRecipesTests: XCTestCase {
    private func recipe(_ name: String) throws -> DatasetRecipe {
        try DatasetRecipe.load(from: TestSupport.packageRoot.appendingPathComponent("Config/datasets/\(name).yaml"))
    }

    /// Rows shaped like `adult.data`: no header, ", " between fields, `?` for missing, a blank last line.
    private func adultLike(rows: Int) -> String {
        let work = ["Private", "State-gov", "Self-emp-not-inc", "?"]
        let edu = ["Bachelors", "HS-grad", "Masters"]
        var text = ""
        for i in 0 ..< rows {
            let income = i % 4 == 0 ? ">50K" : "<=50K"
            text += "\(17 + i % 60), \(work[i % 4]), \(50_000 + i * 37), \(edu[i % 3]), \(9 + i % 3), Never-married, "
            text += "\(i % 7 == 0 ? "?" : "Adm-clerical"), Not-in-family, White, \(i % 2 == 0 ? "Male" : "Female"), "
            text += "\(i % 11 == 0 ? 2174 : 0), 0, \(20 + i % 40), \(i % 9 == 0 ? "?" : "United-States"), \(income)\n"
        }
        return text + "\n"
    }

    /// Rows shaped like `processed.cleveland.data`: no header, numbers written `63.0`, `?` in ca and thal.
    private func heartLike(rows: Int) -> String {
        (0 ..< rows).map { i in
            let ca = i % 50 == 0 ? "?" : "\(Double(i % 4))"
            let thal = i % 60 == 1 ? "?" : ["3.0", "6.0", "7.0"][i % 3]
            return "\(Double(40 + i % 35)),\(Double(i % 2)),\(Double(1 + i % 4)),\(Double(110 + i % 50)),\(Double(180 + i % 120)),"
                + "\(Double(i % 5 == 0 ? 1 : 0)),\(Double(i % 3)),\(Double(100 + i % 90)),\(Double(i % 2)),\(Double(i % 40) / 10),"
                + "\(Double(1 + i % 3)),\(ca),\(thal),\(i % 9 < 5 ? 0 : 1 + i % 4)\n"
        }.joined()
    }

    func testAdultRecipePreparesTheOriginalFormatByDatasetID() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        try TestSupport.write(adultLike(rows: 400), "datasets/adult/adult.data", in: dir)
        let source = try DatasetResolver.resolve("uci-adult", environment: ["RUNG_DATASETS": dir.appendingPathComponent("datasets").path,
                                                                           "XDG_CACHE_HOME": dir.appendingPathComponent("cache").path])
        let m = try DatasetPreparer.prepare(source: source, recipe: recipe("adult"), out: dir.appendingPathComponent("out"))
        XCTAssertEqual(m.source.rows, 400)
        XCTAssertEqual(m.cleanedRows, 400)
        XCTAssertEqual(m.splits.map(\.rows), [280, 60, 60])
        for s in m.splits { XCTAssertEqual(s.positiveRate, 0.25, accuracy: 1.0 / Double(s.rows), s.file) }
        // 6 numeric + workclass 3 + education 3 + marital 1 + occupation 1 + relationship 1 + race 1 + sex 2 + country 1.
        XCTAssertEqual(m.encodedFeatureCount, 6 + 3 + 3 + 1 + 1 + 1 + 1 + 2 + 1)
        XCTAssertEqual(m.splitOrder, "order=stratified seed=0")
        let header = try String(contentsOf: dir.appendingPathComponent("out/train.csv"), encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertEqual(header, "age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income_over_50k")
    }

    func testHeartRecipePreparesTheOriginalFormatByDatasetID() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        try TestSupport.write(heartLike(rows: 303), "datasets/heart/processed.cleveland.data", in: dir)
        let source = try DatasetResolver.resolve("uci-heart-cleveland", environment: ["RUNG_DATASETS": dir.appendingPathComponent("datasets").path])
        let m = try DatasetPreparer.prepare(source: source, recipe: recipe("heart-cleveland"), out: dir.appendingPathComponent("out"))
        XCTAssertEqual(m.cleanedRows, 303)
        XCTAssertEqual(m.splits.map(\.rows), [181, 60, 62])
        let rate = Double((0 ..< 303).filter { $0 % 9 >= 5 }.count) / 303
        for s in m.splits { XCTAssertEqual(s.positiveRate, rate, accuracy: 1.0 / Double(s.rows), s.file) }
        // 9 numeric (ca included) + cp 4 + restecg 3 + slope 3 + thal 3.
        XCTAssertEqual(m.encodedFeatureCount, 9 + 4 + 3 + 3 + 3)
    }

    func testTheIDsAreKnownWithTheChecksumsOfTheOriginalFiles() {
        XCTAssertEqual(KnownDataset.uciAdult.relativePath, "adult/adult.data")
        XCTAssertEqual(KnownDataset.uciHeartCleveland.relativePath, "heart/processed.cleveland.data")
        XCTAssertEqual(KnownDataset.builtin.map(\.id), ["uci-diabetes-130", "uci-adult", "uci-heart-cleveland"])
        XCTAssertEqual(KnownDataset.uciAdult.urlEnvironmentKey, "RUNG_DATASET_URL_UCI_ADULT")
    }
}
