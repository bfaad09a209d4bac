import Foundation
import RungCore
import RungData
import XCTest

final class DatasetPreparerTests: XCTestCase {
    static let recipeYAML = """
    name: synthetic-risk
    csv:
      missing: ["?"]
    drop_columns: [junk]
    fill_missing:
      colour: Missing
    drop_rows:
      - column: status
        in: [9]
    target:
      name: outcome_binary
      from: outcome
      negative: ["NO"]
    ordinal:
      band: [low, mid, high]
    id_columns: [row_id]
    categorical: [status]
    split:
      initial_fraction: 0.5
      train: 0.6
      validation: 0.2
      future_batches: 3
    """

    /// `n` synthetic rows: a drop-able status every 10th row, missing colours and numbers,
    /// a quoted note with a comma, and a deterministic outcome.
    static func csv(rows n: Int) -> String {
        var s = "row_id,junk,colour,status,band,amount,note,outcome\n"
        let colours = ["red", "green", "?", "blue"]
        for i in 0..<n {
            let status = i % 10 == 7 ? 9 : i % 3
            let amount = i % 11 == 5 ? "?" : String(Double(i % 17) * 1.5)
            let outcome = i % 4 == 0 ? "NO" : (i % 4 == 1 ? "<30" : ">30")
            s += "r\(i),x,\(colours[i % 4]),\(status),\(["low", "mid", "high"][i % 3]),\(amount),\"n, \(i % 5)\",\(outcome)\n"
        }
        return s
    }

    func prepareSynthetic(rows n: Int = 200) throws -> (dir: URL, out: URL, manifest: DataManifest) {
        let dir = try TestSupport.temporaryDirectory(self)
        let csv = try TestSupport.write(Self.csv(rows: n), "risk.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: Self.recipeYAML, fileName: "risk.yaml")
        let out = dir.appendingPathComponent("prepared")
        let manifest = try DatasetPreparer.prepare(source: csv, recipe: recipe, out: out)
        return (dir, out, manifest)
    }

    func testSyntheticPrepareSplitsCountsAndHashes() throws {
        let (dir, out, m) = try prepareSynthetic()
        let kept = (0..<200).filter { $0 % 10 != 7 }
        XCTAssertEqual(m.source.rows, 200)
        XCTAssertEqual(m.cleanedRows, kept.count)
        let initial = Int(0.5 * Double(kept.count))
        let train = Int(0.6 * Double(initial)), validation = Int(0.2 * Double(initial))
        XCTAssertEqual(m.split(.train)?.rows, train)
        XCTAssertEqual(m.split(.validation)?.rows, validation)
        XCTAssertEqual(m.split(.test)?.rows, initial - train - validation)
        XCTAssertEqual(m.futureBatches.map(\.rows).reduce(0, +), kept.count - initial)
        XCTAssertEqual(m.futureBatches.map(\.file), ["future/batch-001.csv", "future/batch-002.csv", "future/batch-003.csv"])
        let trainPositives = kept.prefix(train).filter { $0 % 4 != 0 }.count
        XCTAssertEqual(m.split(.train)!.positiveRate, Double(trainPositives) / Double(train), accuracy: 1e-12)
        XCTAssertEqual(m.source.sha256, try ContentHash.sha256(file: dir.appendingPathComponent("risk.csv")))
        // Every file's recorded hash is its real hash, and the data version follows from them.
        var hashes: [String: String] = [:]
        for f in m.files {
            let h = try ContentHash.sha256(file: out.appendingPathComponent(f.name))
            XCTAssertEqual(h, f.sha256, f.name)
            hashes[f.name] = h
        }
        XCTAssertEqual(Set(hashes.keys), ["train.csv", "validation.csv", "test.csv", "preprocessor.json",
                                          "future/batch-001.csv", "future/batch-002.csv", "future/batch-003.csv"])
        XCTAssertEqual(m.dataVersion, ContentHash.dataVersion(files: hashes))
        XCTAssertEqual(m.dataVersion.count, 16)
        XCTAssertEqual(try DataManifest.load(from: out.appendingPathComponent("manifest.json")), m)
        // The split file keeps ids and the derived target, not the dropped or consumed columns.
        let train0 = try String(contentsOf: out.appendingPathComponent("train.csv"), encoding: .utf8)
        let lines = train0.split(separator: "\n")
        XCTAssertEqual(lines[0], "row_id,colour,status,band,amount,note,outcome_binary")
        XCTAssertEqual(lines[1], "r0,red,0,0,0,\"n, 0\",0")
        XCTAssertEqual(lines[3], "r2,Missing,2,2,3,\"n, 2\",1")
        XCTAssertEqual(lines.count, train + 1)
        // No temporary siblings are left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["prepared", "risk.csv"])
    }

    func testPreparedDataLoadsEncodedSplitsThatMatchTheInMemoryTransform() throws {
        let (_, out, m) = try prepareSynthetic()
        let data = try PreparedData.open(out)
        XCTAssertEqual(data.dataVersion, m.dataVersion)
        XCTAssertEqual(data.preprocessor.featureCount, m.encodedFeatureCount)
        XCTAssertEqual(data.preprocessor.idColumns, ["row_id"])
        XCTAssertEqual(data.preprocessor.numeric.map(\.name), ["band", "amount"])
        XCTAssertEqual(data.preprocessor.categorical.map(\.name), ["colour", "status", "note"])
        for split in SplitName.allCases {
            let encoded = try data.load(split)
            XCTAssertEqual(encoded.features.rowCount, m.split(split)!.rows)
            XCTAssertEqual(encoded.features.columnCount, m.encodedFeatureCount)
            let rate = Double(encoded.labels.reduce(0, +)) / Double(encoded.labels.count)
            XCTAssertEqual(rate, m.split(split)!.positiveRate, accuracy: 1e-9)
        }
        // Training columns are centred: the mean of every standardised numeric column is 0.
        let train = try data.load(.train).features.dense()
        for j in 0..<2 {
            let mean = train.map { Double($0[j]) }.reduce(0, +) / Double(train.count)
            XCTAssertEqual(mean, 0, accuracy: 1e-6)
        }
        XCTAssertEqual(try data.loadFutureBatch(2).features.rowCount, m.futureBatches[1].rows)
        // Cleaning the raw source again (with the row filters) and encoding its first rows
        // gives exactly the matrix read back from train.csv.
        let all = try cleanForPrediction(csv: out.deletingLastPathComponent().appendingPathComponent("risk.csv"),
                                         preprocessor: data.preprocessor, applyRowFilters: true)
        XCTAssertEqual(all.rowCount, m.cleanedRows)
        let trainRows = all.slice(0 ..< m.split(.train)!.rows)
        XCTAssertEqual(try data.preprocessor.transform(trainRows), try data.load(.train).features)
        XCTAssertEqual(trainRows.labels, try data.load(.train).labels)
    }

    func testSecondPrepareGivesTheSameDataVersionAndReplacesThePreviousOutput() throws {
        let (dir, out, first) = try prepareSynthetic()
        let recipe = try DatasetRecipe.parse(yaml: Self.recipeYAML, fileName: "risk.yaml")
        let second = try DatasetPreparer.prepare(source: dir.appendingPathComponent("risk.csv"), recipe: recipe, out: out)
        XCTAssertEqual(second.dataVersion, first.dataVersion)
        XCTAssertEqual(second, first)
    }

    func testFailureLeavesNothingHalfWrittenAndKeepsEarlierOutput() throws {
        let (dir, out, first) = try prepareSynthetic()
        let before = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
        // Same header, but an ordinal label the recipe does not know on line 4.
        let bad = Self.csv(rows: 5).replacingOccurrences(of: ",high,", with: ",huge,")
        let badCSV = try TestSupport.write(bad, "bad.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: Self.recipeYAML, fileName: "risk.yaml")
        TestSupport.assertRungError(try DatasetPreparer.prepare(source: badCSV, recipe: recipe, out: out), kind: .badInput,
                                    contains: ["bad.csv line 4", "column `band`", "`huge`"])
        TestSupport.assertRungError(try DatasetPreparer.prepare(source: badCSV, recipe: recipe, out: dir.appendingPathComponent("fresh")),
                                    contains: ["bad.csv line 4"])
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("manifest.json")), before)
        XCTAssertEqual(try PreparedData.open(out).dataVersion, first.dataVersion)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["bad.csv", "prepared", "risk.csv"])
    }

    func testEmptySplitIsAnError() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let csv = try TestSupport.write(Self.csv(rows: 6), "small.csv", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: Self.recipeYAML, fileName: "risk.yaml")
        TestSupport.assertRungError(try DatasetPreparer.prepare(source: csv, recipe: recipe, out: dir.appendingPathComponent("o")),
                                    kind: .badInput, contains: ["small.csv", "split would be empty"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
    }

    func testRefusesToReplaceADirectoryThatIsNotPreparedData() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let csv = try TestSupport.write(Self.csv(rows: 200), "risk.csv", in: dir)
        try TestSupport.write("keep me", "mine/notes.txt", in: dir)
        let recipe = try DatasetRecipe.parse(yaml: Self.recipeYAML, fileName: "risk.yaml")
        TestSupport.assertRungError(try DatasetPreparer.prepare(source: csv, recipe: recipe, out: dir.appendingPathComponent("mine")),
                                    kind: .usage, contains: ["mine", "does not hold prepared data"])
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("mine/notes.txt"), encoding: .utf8), "keep me")
    }

    func testTamperedSplitFileIsDetectedOnLoad() throws {
        let (_, out, _) = try prepareSynthetic()
        let url = out.appendingPathComponent("validation.csv")
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: ",red,", with: ",blue,")
        try Data(text.utf8).write(to: url)
        let data = try PreparedData.open(out)
        TestSupport.assertRungError(try data.load(.validation), kind: .badInput, contains: ["validation.csv", "SHA-256", "manifest"])
    }

    func testCleanForPredictionOnRawRowsWithoutTarget() throws {
        let (dir, out, _) = try prepareSynthetic()
        let p = try PreparedData.open(out).preprocessor
        let raw = "row_id,junk,colour,status,band,amount,note\nq1,x,?,9,high,3,\"n, 1\"\nq2,x,red,1,mid,?,n\n"
        let url = try TestSupport.write(raw, "new.csv", in: dir)
        let t = try cleanForPrediction(csv: url, preprocessor: p)
        XCTAssertEqual(t.rowCount, 2, "row filters do not apply to prediction input unless asked")
        XCTAssertNil(t.targetColumn)
        XCTAssertEqual(t.idColumns.map(\.name), ["row_id"])
        XCTAssertEqual((0..<2).map { t.idColumns[0].text(at: $0) }, ["q1", "q2"])
        XCTAssertEqual(t.column(named: "colour")?.text(at: 0), "Missing")
        XCTAssertEqual(t.column(named: "band")?.text(at: 0), "2")
        let m = try p.transform(t)
        XCTAssertEqual(m.rowCount, 2)
        let filtered = try cleanForPrediction(csv: url, preprocessor: p, applyRowFilters: true)
        XCTAssertEqual(filtered.rowCount, 1)
        // Id columns are optional; feature columns are not.
        let noIds = try TestSupport.write("junk,colour,status,band,amount,note\nx,red,1,low,2,n\n", "noids.csv", in: dir)
        let t2 = try cleanForPrediction(csv: noIds, preprocessor: p)
        XCTAssertEqual(t2.idColumns.count, 0)
        XCTAssertEqual(try p.transform(t2).rowCount, 1)
        let noBand = try TestSupport.write("junk,colour,status,amount,note\nx,red,1,2,n\n", "noband.csv", in: dir)
        TestSupport.assertRungError(try cleanForPrediction(csv: noBand, preprocessor: p), kind: .badInput,
                                    contains: ["noband.csv", "`band`"])
    }

    func testCleanForPredictionOnPreparedFilesMatchesTraining() throws {
        let (_, out, _) = try prepareSynthetic()
        let data = try PreparedData.open(out)
        let table = try cleanForPrediction(csv: out.appendingPathComponent("future/batch-001.csv"), preprocessor: data.preprocessor)
        XCTAssertEqual(try data.preprocessor.transform(table), try data.loadFutureBatch(1).features)
        XCTAssertEqual(table.labels, try data.loadFutureBatch(1).labels)
    }

    func testUnreadableRowsAreErrorsOrSkippedAndCounted() throws {
        let (dir, out, _) = try prepareSynthetic()
        let p = try PreparedData.open(out).preprocessor
        let raw = "row_id,junk,colour,status,band,amount,note\nq1,x,red,1,low,3,a\nq2,x,red,1,giant,3,b\nq3,x,red\nq4,x,red,1,mid,lots,d\nq5,x,blue,2,high,1,e\n"
        let url = try TestSupport.write(raw, "new.csv", in: dir)
        TestSupport.assertRungError(try cleanForPrediction(csv: url, preprocessor: p, format: .raw), kind: .badInput,
                                    contains: ["new.csv line 4", "expected 7 fields"])
        let t = try cleanForPrediction(csv: url, preprocessor: p, format: .raw, skipUnreadableRows: true)
        XCTAssertEqual(t.skippedLines, [3, 4, 5])
        XCTAssertEqual(t.skippedRowCount, 3)
        XCTAssertEqual((0..<t.rowCount).map { t.idColumns[0].text(at: $0) }, ["q1", "q5"])
        XCTAssertEqual(t.lines, [2, 6])
    }
}
