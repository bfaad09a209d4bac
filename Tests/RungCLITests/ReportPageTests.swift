import Foundation
@testable import RungCLI
import RungCore
import RungStore
import XCTest

/// `rung report`'s page, in-process: a sweep from a temporary SQLite store rendered to
/// HTML, checked for its sections, the absence of scripts and the escaping of names.
final class ReportPageTests: XCTestCase {
    private static let hostile = #"<script>alert('x')</script> & "co""#

    private func page(family: String? = nil) throws -> (html: String, data: ReportData, ids: [String: Int64]) {
        let fixture = try CLIStoreFixture(self)
        let (sweep, ids) = try fixture.buildSweep(name: Self.hostile)
        let store = try fixture.open()
        defer { store.close() }
        let data = try ReportData.load(store: store, sweepID: sweep, family: family)
        return (ReportPage(data: data, storeLocation: store.location).render(), data, ids)
    }

    func testTheSweepRendersWithEverySectionAndNoScripts() throws {
        let (html, data, _) = try page()
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"), String(html.prefix(40)))
        XCTAssertEqual(data.families, ["random_forest", "xgboost"], "config order")
        XCTAssertEqual(data.trials.count, 7)
        for marker in ["<header>", "<dl class=\"facts\">", "<section id=\"best-so-far\">", "<section id=\"leaderboard\">",
                       "<section class=\"family\" data-family=\"xgboost\">", "<section class=\"family\" data-family=\"random_forest\">",
                       "<table class=\"leaderboard\">", "<svg class=\"chart\"", "<footer>", "</html>"] {
            XCTAssertTrue(html.contains(marker), "the page has \(marker)")
        }
        let leaderboard = try XCTUnwrap(html.range(of: "<section id=\"leaderboard\">")).upperBound
        let rows = html[leaderboard...].components(separatedBy: "<tr").count - 2  // minus the text before and the header row
        XCTAssertEqual(rows, 7, "one leaderboard row per trial")
        // What TPE was fitted on: a column, filled for trials that recorded it.
        XCTAssertTrue(html.contains(">fitted on</th>"))
        let fits = html.components(separatedBy: "<td class=\"fit\">").dropFirst().map { $0.prefix { $0 != "<" } }
        XCTAssertEqual(fits.count, 7)
        XCTAssertEqual(Set(fits), ["epoch 2 (5 results)", "random", "—"])
        XCTAssertEqual(fits.filter { $0 == "—" }.count, 5, "trials stored without a fit show a dash")
        XCTAssertFalse(html.lowercased().contains("<script"), "no scripts at all")
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), "nothing is loaded from anywhere")
        XCTAssertFalse(html.contains("<img") || html.contains("<link"), "no images or style sheets to load")
        // Trials without a value are counted, not drawn.
        let forest = try XCTUnwrap(html.range(of: "data-family=\"random_forest\"")).lowerBound
        XCTAssertTrue(html[forest...].contains("1 without a value for val_logloss"), "the failed NaN trial is named")
    }

    func testNamesAreEscapedEverywhere() throws {
        let (html, _, _) = try page()
        let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"
        XCTAssertTrue(html.contains("<h1>\(escaped) <span class=\"sweep-id\">"), "the title heading escapes the name")
        XCTAssertTrue(html.contains("<title>rung report · sweep 1 \(escaped)</title>"), "so does the page title")
        XCTAssertFalse(html.contains(Self.hostile), "the raw name never appears")
    }

    func testAFamilyFilterShowsOnlyThatFamily() throws {
        let (html, data, ids) = try page(family: "xgboost")
        XCTAssertEqual(data.families, ["xgboost"])
        XCTAssertEqual(Set(data.trials.map(\.id)), Set(["a", "b", "e", "g"].compactMap { ids[$0] }))
        XCTAssertFalse(html.contains("data-family=\"random_forest\""))
        XCTAssertTrue(html.contains("only family <b>xgboost</b>"))
    }

    func testHTMLTextEscapesMarkupQuotesAndControlCharacters() {
        XCTAssertEqual(HTMLText.escape(#"a<b>&"c"'d"#), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d")
        XCTAssertEqual(HTMLText.escape("tab\there\nnew\u{07}bell"), "tab\there\nnew\u{FFFD}bell")
        XCTAssertEqual(HTMLText.metric(nil), "—")
        XCTAssertEqual(HTMLText.metric(.nan), "nan")
        XCTAssertEqual(HTMLText.metric(0.123456), "0.1235")
        XCTAssertEqual(HTMLText.duration(3725), "1h 02m")
    }

    func testAtomicFileReplacesTheFileAndRefusesAMissingDirectory() throws {
        let fixture = try CLIStoreFixture(self)
        let target = fixture.directory.appendingPathComponent("report.html")
        try AtomicFile.write(Data("old".utf8), to: target)
        try AtomicFile.write(Data("new".utf8), to: target)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "new")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "no temporary file is left behind")
        XCTAssertThrowsError(try AtomicFile.write(Data(), to: fixture.directory.appendingPathComponent("missing/report.html"))) { error in
            XCTAssertEqual((error as? RungError)?.kind, .usage, "\(error)")
        }
    }
}
