import RungCore
import XCTest

/// `FoldMetrics`: the fold mean and spread a cross-validated trial reports.
final class FoldMetricsTests: XCTestCase {
    func testTheMeanAndPopulationStandardDeviationAsNumpyComputesThem() {
        // numpy: np.mean([0.8, 0.9, 0.7, 0.85]) = 0.8125, np.std(...) = 0.0739509972887452
        let s = FoldMetrics.summary([["val_auc": 0.8], ["val_auc": 0.9], ["val_auc": 0.7], ["val_auc": 0.85]])
        XCTAssertEqual(s["val_auc"]!, 0.8125, accuracy: 1e-12)
        XCTAssertEqual(s["val_auc_std"]!, 0.0739509972887452, accuracy: 1e-12)
        XCTAssertEqual(FoldMetrics.spreadName(of: "val_logloss"), "val_logloss_std")
    }

    func testANaNFoldMakesBothNaNAndAMetricMissingFromAFoldIsLeftOut() {
        let s = FoldMetrics.summary([["val_auc": 0.8, "val_f1": 0.5], ["val_auc": .nan]])
        XCTAssertTrue(s["val_auc"]!.isNaN)
        XCTAssertTrue(s["val_auc_std"]!.isNaN)
        XCTAssertNil(s["val_f1"])
        XCTAssertEqual(FoldMetrics.summary([]), [:])
    }
}
