import XCTest
@testable import RungCore

final class MetricsNameTests: XCTestCase {
    func testParsesEverySplitAndMetric() throws {
        for split in MetricSplit.allCases {
            for metric in Metric.allCases {
                let name = try MetricName(parsing: "\(split.rawValue)_\(metric.rawValue)")
                XCTAssertEqual(name, MetricName(split, metric))
                XCTAssertEqual(name.description, "\(split.rawValue)_\(metric.rawValue)")
            }
        }
        XCTAssertEqual(try MetricName(parsing: "val_pr_auc").metric, .prAUC)
    }

    func testRejectsUnknownNamesNamingThem() {
        for bad in ["auc", "val_", "validation_auc", "val_roc", "VAL_AUC"] {
            XCTAssertThrowsError(try MetricName(parsing: bad)) { error in
                XCTAssertEqual((error as? RungError)?.kind, .badInput)
                XCTAssertTrue("\(error)".contains("'\(bad)'"), "\(error)")
            }
        }
    }

    func testDirectionOfImprovement() {
        XCTAssertTrue(Metric.auc.higherIsBetter)
        XCTAssertFalse(Metric.logloss.higherIsBetter)
        XCTAssertFalse(Metric.brier.higherIsBetter)
    }

    func testCodableAsItsName() throws {
        let data = try JSONEncoder().encode([MetricName(.val, .auc)])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"val_auc\"]")
        XCTAssertEqual(try JSONDecoder().decode([MetricName].self, from: data), [MetricName(.val, .auc)])
    }
}
