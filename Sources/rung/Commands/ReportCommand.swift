import ArgumentParser
import Foundation
import RungCore
import RungStore
import RungCLI

/// `rung report`: one self-contained HTML page about a sweep — its facts, the leaderboard
/// and SVG plots of learning curves, the best so far and the metric against each parameter.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of a sweep: leaderboard, learning curves, best so far, parameters, feature importance, drift.",
        discussion: """
        The page has inline CSS and inline SVG only: no scripts, fonts or images to load, so it \
        can be mailed, archived or opened offline. Each family's section ends with the feature \
        importance of the model version the sweep registered (mean |SHAP value| by source column \
        over the validation split; the model and data are read from --artifacts), and a sweep \
        that a `retrain:` gate let run shows that gate's drift table. It is written atomically (a temporary file \
        renamed into place), so a cron job can overwrite the same file every night. The store \
        is opened read-only, so this works while a head runs; a live sweep is reported as it is now.

        Example:
          rung report --out report.html
          rung report 12 --family xgboost --out xgboost.html
        """
    )

    @Argument(help: "The sweep id. Default: the latest sweep.")
    var sweep: Int64?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the HTML file.", valueName: "file"))
    var out: String = "report.html"

    @Option(help: "Only this model family.")
    var family: String?

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print one JSON document (the file written and what it holds) instead of a line of text.")
    var json = false

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out must name a file.") }
        if out.hasSuffix("/") { throw ValidationError("--out must name a file, not the directory \(out).") }
    }

    func run() throws {
        let opened = try store.openReadOnly(missing: sweep.map { "sweep \($0) does not exist" } ?? "there is no sweep to report on")
        defer { opened.close() }
        let data = try ReportData.load(store: opened, sweepID: sweep, family: family)
        let insights = ReportInsightsLoader.load(data: data, store: opened, artifactsURI: store.artifactsURI)
        let html = ReportPage(data: data, storeLocation: opened.location, insights: insights).render()
        let url = URL(fileURLWithPath: out).standardizedFileURL
        try AtomicFile.write(Data(html.utf8), to: url)
        if json {
            try Output.json(ReportJSON(file: url.path, bytes: html.utf8.count, sweep: data.sweep.id, name: data.sweep.name,
                                       status: data.sweep.status.rawValue, families: data.families, trials: data.trials.count))
        } else {
            Output.line("wrote \(url.path) (\(html.utf8.count / 1024 + 1) KB): sweep \(data.sweep.id) \(data.sweep.name), \(data.sweep.status.rawValue), \(data.trials.count) trials")
        }
    }
}

