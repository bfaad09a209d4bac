import Foundation
import XCTest

/// A sweep whose families are all `command` needs no `data` section (issue 12): the
/// program reads its own data and gets an empty `RUNG_DATA_DIR`.
final class CommandOnlySweepTests: XCTestCase {
    func testACommandOnlySweepRunsWithoutData() throws {
        let fixture = try ReportFixture(self)
        let script = fixture.directory.appendingPathComponent("train.sh")
        // Fails unless RUNG_DATA_DIR is an existing, empty directory.
        try """
            #!/bin/sh
            [ -d "$RUNG_DATA_DIR" ] && [ -z "$(ls -A "$RUNG_DATA_DIR")" ] || { echo "bad RUNG_DATA_DIR $RUNG_DATA_DIR" >&2; exit 1; }
            for e in 1 2; do echo "{\\"epoch\\": $e, \\"val_auc\\": 0.7$e}"; done

            """.write(to: script, atomically: true, encoding: .utf8)
        let config = try fixture.config("sweep.yaml", """
            name: no-data
            metric: {name: val_auc, mode: max}
            searcher: {type: random}
            scheduler: {type: fifo, max_epochs: 2}
            families:
              mine:
                trials: 2
                command: [/bin/sh, \(script.path)]
                space: {x: {type: uniform, low: 0, high: 1}}
            """)
        let r = try RungProcess.run(["run", config.path, "--workers", "1", "--db", fixture.db, "--artifacts", fixture.artifacts],
                                    in: fixture.directory)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("0.7200"), r.stdout)
    }

    func testASweepWithABuiltInFamilyStillNeedsData() throws {
        let fixture = try ReportFixture(self)
        let config = try fixture.config("sweep.yaml", """
            name: needs-data
            metric: {name: val_auc, mode: max}
            families:
              xgboost:
                trials: 1
                space: {max_depth: {type: int, low: 2, high: 3}}
            """)
        let r = try RungProcess.run(["run", config.path, "--workers", "1", "--db", fixture.db, "--artifacts", fixture.artifacts],
                                    in: fixture.directory)
        XCTAssertEqual(r.status, 65, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("only a sweep whose families are all `command` may leave `data` out"), r.stderr)
    }
}
