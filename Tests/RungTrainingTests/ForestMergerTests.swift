import Foundation
import RungCore
@testable import RungTraining
import XCTest

/// The byte-level forest merge gives exactly the bytes of the document-tree merge it
/// replaced (`ReferenceForestMerger`), so saved random-forest models are unchanged.
final class ForestMergerTests: XCTestCase {
    func testMergedBytesEqualTheDocumentMerge() throws {
        let train = SyntheticData.split(rows: 3000, seed: 1)
        let validation = SyntheticData.split(rows: 1000, seed: 2)
        // Shallow and deep trees, few and many chunks.
        for (depth, epochs) in [(3, 1), (6, 4), (14, 7)] {
            let trainer = try Trainer(family: "random_forest",
                                      params: ["max_depth": .int(depth), "trees_per_epoch": .int(5), "subsample": .double(0.7),
                                               "colsample_bynode": .double(0.6)],
                                      seed: 7, train: train, validation: validation)
            for _ in 0..<epochs { _ = try trainer.runEpoch() }
            var reference = ReferenceForestMerger()
            var merger = ForestMerger()
            for chunk in try trainer.componentModels() {
                try reference.append(chunk: chunk)
                try merger.append(chunk: chunk)
            }
            XCTAssertEqual(merger.treeCount, 5 * epochs)
            let expected = try reference.merged()
            let merged = try merger.merged()
            XCTAssertEqual(merged.count, expected.count, "depth \(depth), \(epochs) epochs")
            XCTAssertTrue(merged == expected, "depth \(depth), \(epochs) epochs: merged bytes differ")
            XCTAssertTrue(try trainer.modelData() == expected, "depth \(depth): the trainer saves the merged bytes")
        }
    }

    func testChunksThatAreNotForestChunksAreRefused() throws {
        var merger = ForestMerger()
        XCTAssertThrowsError(try merger.merged())
        XCTAssertThrowsError(try merger.append(chunk: Data("{\"learner\":{}}".utf8))) {
            XCTAssertTrue("\($0)".contains("gradient_booster"), "\($0)")
        }
        XCTAssertThrowsError(try merger.append(chunk: Data("{\"learner\":{\"gradient_booster\":{\"name\":\"gblinear\"}}}".utf8))) {
            XCTAssertTrue("\($0)".contains("not a gbtree model"), "\($0)")
        }
        XCTAssertThrowsError(try merger.append(chunk: Data("{\"learner\":".utf8)))
    }

    func testChunksWithDifferentBaseScoresAreRefused() throws {
        let train = SyntheticData.split(rows: 500, seed: 1)
        let validation = SyntheticData.split(rows: 200, seed: 2)
        let trainer = try Trainer(family: "random_forest", params: ["max_depth": .int(3), "trees_per_epoch": .int(2)],
                                  seed: 1, train: train, validation: validation)
        _ = try trainer.runEpoch()
        let chunk = try trainer.componentModels()[0]
        let text = String(decoding: chunk, as: UTF8.self)
        guard let range = text.range(of: "\"base_score\":\"") else { return XCTFail("no base_score in \(text.prefix(200))") }
        var other = text
        other.insert("9", at: range.upperBound)
        var merger = ForestMerger()
        try merger.append(chunk: chunk)
        XCTAssertThrowsError(try merger.append(chunk: Data(other.utf8))) {
            XCTAssertTrue("\($0)".contains("different base scores"), "\($0)")
        }
    }
}
