import Foundation
import RungData
import RungTraining
import XCTest

/// Timing measurements, not assertions: run with `RUNG_TIMING=1` (skipped otherwise), e.g.
/// `RUNG_TIMING=1 swift test --filter TrainerTimingTests` (add `-c release -Xswiftc -enable-testing`
/// for release numbers). Results go to stdout as `TIMING ...` lines.
final class TrainerTimingTests: XCTestCase {
    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["RUNG_TIMING"] == "1" else {
            throw XCTSkip("Timing runs only with RUNG_TIMING=1.")
        }
    }

    /// About 14,000 × 1,600 with about 60 non-zeros per row, like the encoded diabetes training split.
    static func bigSplits() -> (train: EncodedSplit, validation: EncodedSplit) {
        (SyntheticData.split(rows: 14_000, columns: 1_600, perRow: 58, seed: 31),
         SyntheticData.split(rows: 3_000, columns: 1_600, perRow: 58, seed: 32))
    }

    func testSecondsPerEpochForEachFamily() throws {
        let (train, validation) = Self.bigSplits()
        let policy = ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset"
        for family in TrainerFamilies.all.map({ $0.name }) {
            let trainer = try Trainer(family: family, params: [:], seed: 1, threads: 1, train: train, validation: validation)
            var lines: [String] = []
            var total = 0.0
            for _ in 0..<20 {
                let r = try trainer.runEpoch()
                total += r.trainSeconds + r.evaluationSeconds
                if [1, 2, 10, 20].contains(r.epoch) {
                    lines.append(String(format: "epoch %d train %.3f s eval %.3f s val_auc %.4f", r.epoch, r.trainSeconds,
                                        r.evaluationSeconds, r.validation.auc.number ?? Double.nan))
                }
            }
            lines.append(String(format: "mean %.3f s/epoch over 20", total / 20))
            print("TIMING family=\(family) OMP_WAIT_POLICY=\(policy) " + lines.joined(separator: "; "))
        }
    }

    func testTwoHundredTreeForestWithOneAndTwoThreads() throws {
        let (train, validation) = Self.bigSplits()
        let policy = ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset"
        for threads in [1, 2, 1, 2] {
            let trainer = try Trainer(family: "random_forest", params: ["trees_per_epoch": .int(200), "max_depth": .int(6)],
                                      seed: 1, threads: threads, train: train, validation: validation)
            let r = try trainer.runEpoch()
            print(String(format: "TIMING forest200 OMP_WAIT_POLICY=%@ nthread=%d train %.3f s eval %.3f s",
                         policy, threads, r.trainSeconds, r.evaluationSeconds))
        }
    }
}
