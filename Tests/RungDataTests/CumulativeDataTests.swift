import Foundation
import RungCore
import RungData
import XCTest

/// Cumulative training data: future batches appended to train, validation and test fixed,
/// a new and reproducible data version for every number of batches.
final class CumulativeDataTests: XCTestCase {
    /// 100 rows: x = i/8, colour red/blue in the initial data and sometimes green later,
    /// outcome yes for every third row. With the recipe below: train rows 0–19, validation
    /// 20–29, test 30–39, future batches 40–59, 60–79, 80–99.
    private func base(in dir: URL) throws -> URL {
        var csv = "id,x,colour,outcome\n"
        for i in 0..<100 {
            let colour = i >= 40 && i % 5 == 0 ? "green" : ["red", "blue"][i % 2]
            csv += "\(i),\(Double(i) / 8),\(colour),\(i % 3 == 0 ? "yes" : "no")\n"
        }
        let source = try TestSupport.write(csv, "rows.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: """
        name: synthetic
        id_columns: [id]
        target: {name: y, from: outcome, negative: ["no"]}
        split: {initial_fraction: 0.4, train: 0.5, validation: 0.25, future_batches: 3}
        """, fileName: "recipe.yaml")
        let out = dir.appendingPathComponent("base")
        _ = try DatasetPreparer.prepare(source: source, recipe: recipe, out: out)
        return out
    }

    private func bytes(_ dir: URL, _ name: String) throws -> Data {
        try Data(contentsOf: dir.appendingPathComponent(name))
    }

    private func lines(_ dir: URL, _ name: String) throws -> [Substring] {
        String(decoding: try bytes(dir, name), as: UTF8.self).split(separator: "\n")
    }

    func testTrainIsTheInitialTrainFollowedByTheBatchesAndTheRestIsUnchanged() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let base = try base(in: dir)
        let out = dir.appendingPathComponent("through-2")
        let m = try CumulativeData.derive(base: base, throughBatch: 2, out: out)

        // train.csv = base train + batch 1 + batch 2, one header.
        let expected = try lines(base, "train.csv") + lines(base, "future/batch-001.csv").dropFirst()
            + lines(base, "future/batch-002.csv").dropFirst()
        XCTAssertEqual(try lines(out, "train.csv"), expected)
        XCTAssertEqual(m.split(.train)?.rows, 60)
        XCTAssertEqual(try lines(out, "train.csv").dropFirst().map { $0.split(separator: ",")[0] },
                       (Array(0..<20) + Array(40..<80)).map { Substring(String($0)) })
        // Every third row (id % 3 == 0) is positive: 7 of 0–19 and 13 of 40–79.
        XCTAssertEqual(m.split(.train)!.positiveRate, 20.0 / 60, accuracy: 1e-12)
        for name in ["validation.csv", "test.csv", "future/batch-003.csv"] {
            XCTAssertEqual(try bytes(out, name), try bytes(base, name), name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("future/batch-001.csv").path))
        XCTAssertEqual(m.futureBatches.map(\.file), ["future/batch-003.csv"])
        let baseManifest = try PreparedData.open(base).manifest
        XCTAssertEqual(m.cumulative, DataManifest.Cumulative(baseDataVersion: baseManifest.dataVersion, throughBatch: 2,
                                                             baseFutureBatches: 3, baseTrainRows: 20))
        XCTAssertEqual(m.split(.validation), baseManifest.split(.validation))
        XCTAssertEqual(m.split(.test), baseManifest.split(.test))
        XCTAssertEqual(m.cleanedRows, 100)

        // The preprocessor is fitted on the 60 train rows: green is a category now, and x is
        // standardised with their mean and population standard deviation.
        let data = try PreparedData.open(out)
        let xs = (Array(0..<20) + Array(40..<80)).map { Double($0) / 8 }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let std = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)).squareRoot()
        XCTAssertEqual(data.preprocessor.numeric.first?.name, "x")
        XCTAssertEqual(data.preprocessor.numeric.first?.mean ?? .nan, mean, accuracy: 1e-12)
        XCTAssertEqual(data.preprocessor.numeric.first?.std ?? .nan, std, accuracy: 1e-12)
        XCTAssertEqual(data.preprocessor.categorical.first?.categories, ["blue", "green", "red"])
        XCTAssertEqual(try PreparedData.open(base).preprocessor.categorical.first?.categories, ["blue", "red"])
        XCTAssertEqual(try data.load(.train).features.rowCount, 60)

        // Batches are numbered as in the base data.
        XCTAssertEqual(try data.loadFutureBatch(3).labels.count, 20)
        TestSupport.assertRungError(try data.loadFutureBatch(1), kind: .usage, contains: ["future batch 1 is part of the training data"])
    }

    func testTheDataVersionChangesWithTheBatchesAndIsReproducible() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let base = try base(in: dir)
        let baseVersion = try PreparedData.open(base).dataVersion
        var versions = [baseVersion]
        for k in 1...3 {
            versions.append(try CumulativeData.derive(base: base, throughBatch: k, out: dir.appendingPathComponent("k\(k)")).dataVersion)
        }
        XCTAssertEqual(Set(versions).count, 4, "\(versions)")
        let again = try CumulativeData.derive(base: base, throughBatch: 2, out: dir.appendingPathComponent("again"))
        XCTAssertEqual(again.dataVersion, versions[2])
        XCTAssertEqual(again.files, try PreparedData.open(dir.appendingPathComponent("k2")).manifest.files)

        // Preparing from the source in one step gives the same bytes.
        let recipe = try DatasetRecipe.parse(yaml: """
        name: synthetic
        id_columns: [id]
        target: {name: y, from: outcome, negative: ["no"]}
        split: {initial_fraction: 0.4, train: 0.5, validation: 0.25, future_batches: 3}
        """, fileName: "recipe.yaml")
        let direct = try CumulativeData.prepare(source: dir.appendingPathComponent("rows.csv"), recipe: recipe, throughBatch: 2,
                                                out: dir.appendingPathComponent("direct"))
        XCTAssertEqual(direct.dataVersion, versions[2])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }, [],
                       "no scratch directory is left behind")
    }

    func testBadBatchNumbersAndCumulativeBasesAreErrors() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let base = try base(in: dir)
        TestSupport.assertRungError(try CumulativeData.derive(base: base, throughBatch: 4, out: dir.appendingPathComponent("x")),
                                    kind: .usage, contains: ["through batch 4", "future batches 1–3"])
        TestSupport.assertRungError(try CumulativeData.derive(base: base, throughBatch: 0, out: dir.appendingPathComponent("x")),
                                    kind: .usage, contains: ["through batch 0"])
        let once = dir.appendingPathComponent("once")
        _ = try CumulativeData.derive(base: base, throughBatch: 1, out: once)
        TestSupport.assertRungError(try CumulativeData.derive(base: once, throughBatch: 1, out: dir.appendingPathComponent("twice")),
                                    kind: .usage, contains: ["already cumulative data", "future batches 1–1"])
    }

    /// The real file: future batches are ⌊k·79,475/4⌋ apart (19,868, 19,869, 19,869, 19,869
    /// rows), so through batch 2 the train split has 13,907 + 19,868 + 19,869 = 53,644 rows.
    /// The positive rate, encoded column count and standardisation constants were computed
    /// with pandas 3.1 + scikit-learn 1.9 by bench/reference/diabetes_cumulative.py (the
    /// preparation of diabetes_prepare.py, fitted on the initial train rows + batches 1–2).
    func testRealDiabetesDataThroughTwoBatches() throws {
        guard let source = TestSupport.realDiabetesCSV() else {
            return XCTFail("the real dataset is not available: set RUNG_DATASETS to a directory holding diabetes/diabetic_data.csv")
        }
        let dir = try TestSupport.temporaryDirectory(self)
        let baseURL = dir.appendingPathComponent("base")
        let base = try DatasetPreparer.prepare(source: source, recipe: try TestSupport.diabetesRecipe(), out: baseURL)
        XCTAssertEqual(base.futureBatches.map(\.rows), [19_868, 19_869, 19_869, 19_869])
        let m = try CumulativeData.derive(base: baseURL, throughBatch: 2, out: dir.appendingPathComponent("k2"))
        XCTAssertEqual(m.split(.train)?.rows, 53_644)
        XCTAssertEqual(m.split(.validation)?.rows, 2_980)
        XCTAssertEqual(m.split(.test)?.rows, 2_981)
        XCTAssertEqual(m.futureBatches.map(\.rows), [19_869, 19_869])
        XCTAssertEqual(m.splits.map(\.rows).reduce(0, +), 99_343, "every cleaned row is in exactly one file")
        let parts = [base.split(.train)!] + base.futureBatches.prefix(2)
        let rate = parts.map { $0.positiveRate * Double($0.rows) }.reduce(0, +) / 53_644
        XCTAssertEqual(m.split(.train)!.positiveRate, rate, accuracy: 1e-12)
        XCTAssertNotEqual(m.dataVersion, base.dataVersion)
        XCTAssertGreaterThanOrEqual(m.encodedFeatureCount, base.encodedFeatureCount, "more rows bring more diagnosis codes")
        XCTAssertEqual(m.split(.train)!.positiveRate, 0.48523600029826264, accuracy: 1e-12)
        XCTAssertEqual(m.encodedFeatureCount, 2_121)
        let data = try PreparedData.open(dir.appendingPathComponent("k2"))
        XCTAssertEqual(data.preprocessor.featureCount, 2_121)
        let means = [6.011781373499367, 4.497203787935277, 42.40397807769741, 1.3342964730445157, 15.453079561553949,
                     0.2618745805681903, 0.1461486839161882, 0.5820222205652077, 7.031709044813959]
        let stds = [1.6103469810487077, 3.040785383240276, 19.122007004314586, 1.6640526764232866, 8.118496090545955,
                    0.9659128236070165, 0.6731837720762601, 1.20716134071886, 2.011121596512628]
        XCTAssertEqual(data.preprocessor.numeric.count, 9)
        for (k, f) in data.preprocessor.numeric.enumerated() {
            XCTAssertEqual(f.mean, means[k], accuracy: 1e-9 * abs(means[k]), f.name)
            XCTAssertEqual(f.std, stds[k], accuracy: 1e-9 * stds[k], f.name)
        }
    }
}
