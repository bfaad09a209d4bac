import Foundation
import RungStore
import XCTest
import RungCore

/// `rung report`: the HTML page is checked as text (one self-contained file, one curve per
/// trial, escaped text) and as a picture (headless Chromium's screenshot, decoded).
final class ReportCommandTests: XCTestCase {
    /// A real sweep run by `rung run`, reported, parsed and rendered.
    func testReportOfARealSweepDrawsEveryTrialAndRendersInChromium() throws {
        let fixture = try ReportFixture(self)
        let data = try fixture.preparedData()
        let config = try fixture.config("sweep.yaml", """
        name: report-test
        seed: 7
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        searcher: {type: tpe, startup_trials: 4}
        scheduler: {type: asha, max_epochs: 4, grace_period: 1, reduction_factor: 3}
        families:
          xgboost:
            trials: 8
            epoch: {rounds: 3}
            space:
              max_depth: {type: int, low: 2, high: 6}
              learning_rate: {type: loguniform, low: 0.02, high: 0.5}
              subsample: {type: uniform, low: 0.5, high: 1.0}
          logistic_regression:
            trials: 5
            space:
              penalty: {type: choice, choices: [l2, l1]}
              C: {type: loguniform, low: 0.01, high: 100}
        """)
        let run = try fixture.run(config)
        XCTAssertEqual(run.status, 0, "a sweep whose trials all finished or stopped exits 0: \(run.stdout)\n\(run.stderr)")

        let out = fixture.directory.appendingPathComponent("report.html")
        let report = try RungProcess.run(["report", "--db", fixture.db, "--out", out.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains("wrote \(out.path)"), report.stdout)
        let html = try String(contentsOf: out, encoding: .utf8)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).filter { $0.contains(".tmp") }
        XCTAssertEqual(leftovers, [], "the temporary file was renamed into place")

        // Self-contained: nothing to fetch.
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        for forbidden in ["http://", "https://", "<script", " src=", " href=", "@import", "url("] {
            XCTAssertFalse(html.contains(forbidden), "the page must not reference \(forbidden)")
        }

        // One curve per trial, stopped and finished told apart, one best per family.
        let store = try SQLiteStore(path: fixture.directory.appendingPathComponent("rung.db").path, readOnly: true)
        defer { store.close() }
        let trials = try store.trials(sweepID: 1)
        XCTAssertEqual(trials.count, 13)
        for family in ["xgboost", "logistic_regression"] {
            let mine = trials.filter { $0.family == family }
            let section = try XCTUnwrap(ReportFixture.familySection(family, in: html), "a section for \(family)")
            XCTAssertEqual(ReportFixture.occurrences(of: "<path class=\"curve ", in: section), mine.count, family)
            XCTAssertEqual(ReportFixture.occurrences(of: "<path class=\"curve stopped", in: section),
                           mine.filter { $0.status == .stopped }.count, family)
            XCTAssertEqual(ReportFixture.occurrences(of: "<path class=\"curve finished", in: section),
                           mine.filter { $0.status == .finished }.count, family)
            XCTAssertEqual(ReportFixture.occurrences(of: " best\" fill=\"none\"", in: section), 1, "one highlighted best curve in \(family)")
            for trial in mine {
                XCTAssertTrue(section.contains("data-trial=\"\(trial.id)\""), "trial \(trial.id) is drawn")
            }
        }
        XCTAssertGreaterThan(trials.filter { $0.status == .stopped }.count, 0, "ASHA stopped some trials (else the test shows less)")
        let xgboost = try XCTUnwrap(ReportFixture.familySection("xgboost", in: html))
        XCTAssertEqual(ReportFixture.occurrences(of: "<figure class=\"scatter\">", in: xgboost), 3, "one plot per parameter")
        XCTAssertTrue(xgboost.contains(">learning_rate (log scale)</text>"), "loguniform parameters get a log axis")
        let logistic = try XCTUnwrap(ReportFixture.familySection("logistic_regression", in: html))
        XCTAssertEqual(ReportFixture.occurrences(of: "<figure class=\"scatter\">", in: logistic), 2)
        XCTAssertTrue(logistic.contains("text-anchor=\"middle\">l2</text>") && logistic.contains("text-anchor=\"middle\">l1</text>"),
                      "choice parameters get one band per category")
        // The leaderboard lists every trial, and the best-so-far chart has a line per family.
        XCTAssertEqual(ReportFixture.occurrences(of: "<tr", in: html), trials.count + 1)
        XCTAssertEqual(ReportFixture.occurrences(of: "class=\"best-so-far\"", in: html), 2)

        // Look at the picture: a blank page first, so the checks are known to tell.
        let blankPage = fixture.directory.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blankPage, atomically: true, encoding: .utf8)
        let blankPNG = fixture.directory.appendingPathComponent("blank.png")
        try ReportFixture.screenshot(blankPage, to: blankPNG, width: 400, height: 300)
        let blank = try ReportPNG(data: Data(contentsOf: blankPNG))
        XCTAssertEqual(blank.nonWhite(), 0, "a blank page renders white")

        let png = fixture.directory.appendingPathComponent("report.png")
        try ReportFixture.screenshot(out, to: png)
        let picture = try ReportPNG(data: Data(contentsOf: png))
        XCTAssertEqual(picture.width, 1280)
        XCTAssertEqual(picture.height, 2400)
        let inked = Double(picture.nonWhite()) / Double(picture.width * picture.height)
        XCTAssertGreaterThan(inked, 0.03, "the page shows text, tables and charts, not a blank")
        // The colours of the plots: the highlighted best (orange), finished
        // trials (blue) and stopped trials (grey) are on screen. How many pixels depends on
        // how many trials finished (the schedule varies with the workers' timing), so the
        // bounds are well below one curve's worth, and far above the blank page's zero.
        XCTAssertGreaterThan(picture.count(colour: (234, 88, 12), tolerance: 30), 150, "the best trial's orange")
        XCTAssertGreaterThan(picture.count(colour: (37, 99, 235), tolerance: 30), 150, "finished trials' blue")
        XCTAssertGreaterThan(picture.count(colour: (156, 163, 175), tolerance: 12), 100, "stopped trials' grey")
        try Self.keep(png)
    }

    /// Sweeps built through the store API: NaN and missing metrics, a trial with no epochs,
    /// text that must be escaped, and a sweep where no trial has ended.
    func testMissingValuesHostileTextAndASweepWithNoEndedTrials() throws {
        let fixture = try StoreFixture(self)
        let ids = try fixture.buildTwoSweeps()
        let hostile = "<script>alert(\"x\")</script> & 'co'"
        do {
            let store = try fixture.open()
            defer { store.close() }
            let sweep = try store.createSweep(SweepRecord(
                name: hostile, configYAML: SweepRows.config(name: "hostile", metric: "val_auc", mode: "max", families: ["xgboost": 3]),
                seed: 1, status: .running, message: "</svg><b>not bold</b>"))
            try store.createStudy(StudyRecord(sweepID: sweep.id, family: "xgboost", trialBudget: 3))
            for number in 1...2 {
                let trial = try store.createTrial(TrialRecord(
                    sweepID: sweep.id, family: "xgboost", number: number,
                    paramsJSON: #"{"max_depth":\#(number + 2),"note":"</title><script>x</script>"}"#, seed: 1,
                    status: .running, worker: "w\"1", lastEpoch: 2, startedAt: Date()))
                try store.recordEpochs([EpochRecord(trialID: trial.id, epoch: 1, seconds: 1, metrics: ["val_auc": 0.6 + Double(number) / 100]),
                                        EpochRecord(trialID: trial.id, epoch: 2, seconds: 1, metrics: ["val_auc": .nan])])
            }
        }
        // Sweep 2: trials a…g (running, stopped, failed with NaN, pending without epochs, a missing metric).
        let out = fixture.directory.appendingPathComponent("two.html")
        let two = try RungProcess.run(fixture.args(["report", "2", "--out", out.path]))
        XCTAssertEqual(two.status, 0, two.stderr)
        let html = try String(contentsOf: out, encoding: .utf8)
        let xgboost = try XCTUnwrap(ReportFixture.familySection("xgboost", in: html))
        let forest = try XCTUnwrap(ReportFixture.familySection("random_forest", in: html))
        XCTAssertEqual(ReportFixture.occurrences(of: "<path class=\"curve ", in: xgboost), 4, "a, b, e, g")
        XCTAssertEqual(ReportFixture.occurrences(of: "<path class=\"curve ", in: forest), 3, "c, d, f")
        XCTAssertTrue(forest.contains("<path class=\"curve failed\"") && forest.contains("data-trial=\"\(ids["d"]!)\" d=\"\""),
                      "a trial whose only value is NaN is listed but draws nothing")
        XCTAssertTrue(xgboost.contains("data-trial=\"\(ids["e"]!)\" d=\"\""), "a pending trial has an empty curve")
        XCTAssertTrue(xgboost.contains("2 without a value for val_logloss"), "e (no epochs) and g (metric missing)")
        XCTAssertTrue(html.contains("<path class=\"curve running best\""), "b, the best of xgboost, is running and highlighted")
        XCTAssertTrue(html.contains("val_logloss (lower is better)"))
        XCTAssertFalse(html.contains("nan\""), "no NaN reaches an SVG attribute")
        XCTAssertFalse(html.contains("inf\""), "no infinity reaches an SVG attribute")

        // Sweep 3: hostile text everywhere and no trial has ended.
        let three = fixture.directory.appendingPathComponent("three.html")
        let r = try RungProcess.run(fixture.args(["report", "--out", three.path, "--json"]))
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try jsonObject(r.stdout)
        XCTAssertEqual(json["sweep"] as? Int, 3, "the latest sweep by default")
        XCTAssertEqual(json["trials"] as? Int, 2)
        let page = try String(contentsOf: three, encoding: .utf8)
        XCTAssertFalse(page.contains("<script"), "text from the store is escaped")
        XCTAssertFalse(page.contains("<b>not bold</b>"))
        XCTAssertFalse(page.contains("</title><script>"))
        XCTAssertTrue(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"), "the name is shown, escaped")
        XCTAssertTrue(page.contains("w&quot;1"), "attribute-breaking quotes are escaped")
        XCTAssertTrue(page.contains("<pre>name: hostile\n"), "the submitted config is in the page")
        XCTAssertTrue(page.contains("no trial has ended with a value for val_auc yet"), "the best-so-far chart says why it is empty")
        XCTAssertEqual(ReportFixture.occurrences(of: "<path class=\"curve running", in: page), 2)

        // The picture of a report with empty charts still renders.
        let png = fixture.directory.appendingPathComponent("three.png")
        try ReportFixture.screenshot(three, to: png, width: 1000, height: 900)
        let picture = try ReportPNG(data: Data(contentsOf: png))
        XCTAssertEqual(picture.width, 1000)
        XCTAssertGreaterThan(picture.nonWhite(), 5000, "the header, table and chart frames are drawn")
        try Self.keep(png)

        // --family keeps one family.
        let only = fixture.directory.appendingPathComponent("forest.html")
        let family = try RungProcess.run(fixture.args(["report", "2", "--family", "random_forest", "--out", only.path]))
        XCTAssertEqual(family.status, 0, family.stderr)
        let forestPage = try String(contentsOf: only, encoding: .utf8)
        XCTAssertNil(ReportFixture.familySection("xgboost", in: forestPage))
        XCTAssertNotNil(ReportFixture.familySection("random_forest", in: forestPage))
        XCTAssertEqual(ReportFixture.occurrences(of: "<tr", in: forestPage), 4, "header and c, d, f")
    }

    /// Copies a screenshot into `$RUNG_REPORT_SCREENSHOTS` (a directory), when it is set,
    /// for a person to look at.
    private static func keep(_ png: URL) throws {
        guard let directory = ProcessInfo.processInfo.environment["RUNG_REPORT_SCREENSHOTS"] else { return }
        let target = URL(fileURLWithPath: directory).appendingPathComponent(png.lastPathComponent)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: png, to: target)
    }

    func testErrorsExitCodesAndAtomicReplacement() throws {
        let fixture = try StoreFixture(self)
        let out = fixture.directory.appendingPathComponent("r.html")
        let noStore = try RungProcess.run(fixture.args(["report", "--out", out.path]))
        XCTAssertEqual(noStore.status, 65, noStore.stderr)
        XCTAssertTrue(noStore.stderr.contains("does not exist"), noStore.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))

        try fixture.buildTwoSweeps()
        let unknown = try RungProcess.run(fixture.args(["report", "9", "--out", out.path]))
        XCTAssertEqual(unknown.status, 65)
        XCTAssertTrue(unknown.stderr.contains("sweep 9"), unknown.stderr)
        let family = try RungProcess.run(fixture.args(["report", "--family", "catboost", "--out", out.path]))
        XCTAssertEqual(family.status, 65)
        XCTAssertTrue(family.stderr.contains("catboost") && family.stderr.contains("xgboost"), family.stderr)
        let nowhere = try RungProcess.run(fixture.args(["report", "--out", fixture.directory.appendingPathComponent("no/such/dir/r.html").path]))
        XCTAssertEqual(nowhere.status, 64, nowhere.stderr)
        XCTAssertTrue(nowhere.stderr.contains("no/such/dir"), nowhere.stderr)
        let usage = try RungProcess.run(fixture.args(["report", "abc"]))
        XCTAssertEqual(usage.status, 64, usage.stderr)

        // An existing report is replaced whole.
        try "old report".write(to: out, atomically: true, encoding: .utf8)
        let again = try RungProcess.run(fixture.args(["report", "1", "--out", out.path]))
        XCTAssertEqual(again.status, 0, again.stderr)
        let html = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>") && html.contains("nightly-old"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).filter { $0.contains(".tmp") }, [])
    }
}
