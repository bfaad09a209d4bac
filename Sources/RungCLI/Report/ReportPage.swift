import Foundation
import RungCore
import RungStore

/// The report as one self-contained HTML page: inline CSS, inline SVG, no scripts, fonts
/// or other files, nothing fetched from the network.
public struct ReportPage {
    /// What the report shows.
    public let data: ReportData
    /// Where the data came from, for the footer (passwords masked).
    public let storeLocation: String
    /// At most this many leaderboard rows are shown.
    public var leaderboardRows = 200
    /// Feature importance and the drift table, when the command could gather them.
    public var insights: ReportInsights

    /// The page for `data`, read from the store at `storeLocation`, with `insights`.
    public init(data: ReportData, storeLocation: String, leaderboardRows: Int = 200, insights: ReportInsights = ReportInsights()) {
        self.data = data
        self.storeLocation = storeLocation
        self.leaderboardRows = leaderboardRows
        self.insights = insights
    }

    /// The whole page.
    public func render() -> String {
        let charts = ReportCharts(data: data)
        let e = HTMLText.escape
        let sweep = data.sweep
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="rung \(e(RungVersion.string))">
        <title>\(e("rung report · sweep \(sweep.id) \(sweep.name)"))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <main>

        """
        html += header()
        if let drift = insights.drift { html += driftSection(drift) }
        html += "<section id=\"best-so-far\"><h2>Best so far</h2>\n<p class=\"note\">Each family's best \(e(data.metric.name)) among the trials that have ended, against the time since the sweep was submitted. Dots mark improvements.</p>\n"
        html += "<figure>" + charts.bestSoFar().render() + "</figure></section>\n"
        for family in data.families {
            html += familySection(family, charts: charts)
        }
        html += "<section id=\"leaderboard\"><h2>Leaderboard</h2>\n" + leaderboard() + "</section>\n"
        html += """
        <footer>Made by rung \(e(RungVersion.string)) on \(e(HTMLText.date(data.generatedAt))) from store \(e(storeLocation)). \
        This page is self-contained: it loads nothing from anywhere. Hover over a line or dot to see its trial.</footer>
        </main>
        </body>
        </html>

        """
        return html
    }

    private func header() -> String {
        let e = HTMLText.escape
        let sweep = data.sweep
        let config = data.config
        var facts: [(String, String)] = []
        facts.append(("Status", "<span class=\"badge \(e(sweep.status.rawValue))\">\(e(sweep.status.rawValue))</span>"))
        facts.append(("Metric", "\(e(data.metric.name)), \(data.metric.mode == .max ? "maximised" : "minimised")"))
        let done = data.trials.filter { $0.record.status.isTerminal }.count
        let counts = data.statusCounts.map { "\($0.count) \($0.status)" }.joined(separator: ", ")
        facts.append(("Trials", "\(done) of \(data.budget) done" + (counts.isEmpty ? "" : " — \(e(counts))")))
        facts.append(("Duration", e(HTMLText.duration(data.duration)) + (sweep.status.isTerminal ? "" : " so far")))
        facts.append(("Submitted", e(HTMLText.date(sweep.createdAt))))
        if let finished = sweep.finishedAt { facts.append(("Ended", e(HTMLText.date(finished)))) }
        facts.append(("Data version", sweep.dataVersion.map { "<code>\(e($0))</code>" } ?? "—"))
        var searcher = config.searcher.type.rawValue
        if config.searcher.type == .tpe { searcher += " (\(config.searcher.tpe.startupTrials) random startup trials)" }
        facts.append(("Searcher", e(searcher)))
        let s = config.scheduler
        var scheduler = s.type.rawValue + " (max_epochs \(s.maxEpochs)"
        if s.type != .fifo {
            scheduler += ", grace_period \(s.gracePeriod), reduction_factor \(HTMLText.tick(s.reductionFactor))"
            if s.type == .asha { scheduler += ", mode \(s.ashaMode.rawValue)" }
        }
        scheduler += ")"
        facts.append(("Scheduler", e(scheduler)))
        facts.append(("Families", e(data.families.map { "\($0) × \(data.budgets[$0] ?? 0)" }.joined(separator: ", "))))
        facts.append(("Seed", "\(sweep.seed)"))
        if let source = config.data.source ?? config.data.prepared { facts.append(("Data", "<code>\(e(source))</code>")) }
        if let register = config.register {
            facts.append(("Registration", e("by \(register.metric), min_improvement \(HTMLText.tick(register.minImprovement))")))
        }
        if let message = sweep.message, !message.isEmpty { facts.append(("Message", e(message))) }
        if let family = data.familyFilter { facts.append(("Shown", "only family <b>\(e(family))</b>")) }
        var html = "<header>\n<h1>\(e(sweep.name)) <span class=\"sweep-id\">sweep \(sweep.id)</span></h1>\n<dl class=\"facts\">\n"
        for (key, value) in facts { html += "<div><dt>\(e(key))</dt><dd>\(value)</dd></div>\n" }
        html += "</dl>\n"
        var bests: [String] = []
        for family in data.families {
            guard let best = data.best(of: family) else { continue }
            bests.append("<li><b>\(e(family))</b>: trial \(best.id) (#\(best.record.number), \(e(best.record.status.rawValue))) \(e(data.metric.name)) <b>\(e(HTMLText.metric(best.value)))</b> — <code>\(e(Self.params(best.params)))</code></li>")
        }
        if !bests.isEmpty { html += "<ul class=\"bests\">\n" + bests.joined(separator: "\n") + "\n</ul>\n" }
        html += "<details class=\"config\"><summary>The sweep's config, as submitted</summary><pre>\(e(sweep.configYAML))</pre></details>\n"
        return html + "</header>\n"
    }

    private func leaderboard() -> String {
        let e = HTMLText.escape
        let entries = data.board.entries
        guard !entries.isEmpty else { return "<p class=\"empty\">No trials yet.</p>\n" }
        let byID = Dictionary(data.trials.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let shown = entries.prefix(leaderboardRows)
        var html = "<table class=\"leaderboard\">\n<thead><tr><th class=\"num\">rank</th><th class=\"num\">trial</th><th>family</th><th>status</th><th class=\"num\">epochs</th><th class=\"num\">\(e(data.metric.name))</th><th>parameters</th><th>worker</th><th class=\"num\">duration</th></tr></thead>\n<tbody>\n"
        let bestIDs = Set(data.families.compactMap { data.best(of: $0)?.id })
        for entry in shown {
            let trial = byID[entry.trial.id]
            let record = trial?.record
            let seconds = record.flatMap { r -> Double? in
                guard let started = r.startedAt else { return nil }
                return (r.finishedAt ?? (r.status.isTerminal ? started : data.generatedAt)).timeIntervalSince(started)
            }
            html += "<tr\(bestIDs.contains(entry.trial.id) ? " class=\"best\"" : "")>"
            html += "<td class=\"num\">\(entry.rank)</td>"
            html += "<td class=\"num\">\(entry.trial.id)\(record.map { " <span class=\"dim\">#\($0.number)</span>" } ?? "")</td>"
            html += "<td>\(e(entry.trial.family))</td>"
            html += "<td><span class=\"badge \(e(entry.trial.status))\">\(e(entry.trial.status))</span></td>"
            html += "<td class=\"num\">\(entry.trial.epochs)</td>"
            html += "<td class=\"num\">\(e(HTMLText.metric(entry.hasValue ? entry.value : nil)))</td>"
            html += "<td class=\"params\">\(e(Self.params(entry.trial.params)))</td>"
            html += "<td>\(e(record?.worker ?? "—"))</td>"
            html += "<td class=\"num\">\(e(seconds.map(HTMLText.duration) ?? "—"))</td></tr>\n"
        }
        html += "</tbody></table>\n"
        if entries.count > shown.count {
            html += "<p class=\"note\">The best \(shown.count) of \(entries.count) trials; `rung leaderboard --csv --top \(entries.count)` lists them all.</p>\n"
        }
        return html
    }

    private func familySection(_ family: String, charts: ReportCharts) -> String {
        let e = HTMLText.escape
        let trials = data.trials(of: family)
        var html = "<section class=\"family\" data-family=\"\(e(family))\">\n<h2>\(e(family))</h2>\n"
        var counts: [String] = []
        for status in TrialRecord.Status.allCases {
            let n = trials.filter { $0.record.status == status }.count
            if n > 0 { counts.append("\(n) \(status.rawValue)") }
        }
        html += "<p class=\"note\">\(trials.count) of \(data.budgets[family] ?? trials.count) trials" + (counts.isEmpty ? "" : ": \(e(counts.joined(separator: ", ")))")
        let noValue = trials.filter { !$0.hasValue }.count
        if noValue > 0 { html += "; \(noValue) without a value for \(e(data.metric.name)) (missing or NaN) at their last epoch" }
        html += ".</p>\n"
        html += "<figure class=\"learning-curves\">" + charts.learningCurves(family: family).render() + "</figure>\n"
        let parameters = charts.parameters(of: family)
        if !parameters.isEmpty {
            html += "<h3>\(e(data.metric.name)) against each hyperparameter</h3>\n<div class=\"scatter-grid\">\n"
            for p in parameters {
                html += "<figure class=\"scatter\">" + charts.scatter(family: family, parameter: p.name, domain: p.domain).render() + "</figure>\n"
            }
            html += "</div>\n"
        }
        if let importance = insights.importance.first(where: { $0.family == family }) {
            html += "<h3>Feature importance</h3>\n<p class=\"note\">Mean |contribution| (SHAP value, log-odds) of each source column over the validation split, for \(e(family))@\(importance.version), the version this sweep registered; one-hot columns are summed back to their source column. Showing \(min(importance.columns.count, 20)) of \(importance.columns.count) columns.</p>\n"
            html += "<figure class=\"importance\" data-family=\"\(e(family))\">" + ImportanceChart(importance: importance).render() + "</figure>\n"
        } else if let note = insights.importanceNotes[family] {
            html += "<h3>Feature importance</h3>\n<p class=\"note\">\(e(note))</p>\n"
        }
        return html + "</section>\n"
    }

    private func driftSection(_ drift: ReportInsights.Drift) -> String {
        let e = HTMLText.escape
        var html = "<section id=\"drift\"><h2>Drift: the retrain gate</h2>\n"
        html += "<p class=\"note\">Recorded \(e(HTMLText.date(drift.recordedAt))): future batch \(drift.batch) against the initial train split; rule <code>retrain.when: \(e(drift.when))</code>. Decision: <b>\(drift.retrain ? "retrain" : "skip")</b> — \(e(drift.reason)).</p>\n"
        if !drift.models.isEmpty {
            html += "<ul class=\"bests\">\n" + drift.models.map { "<li>\(e($0))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        }
        guard !drift.columns.isEmpty else { return html + "<p class=\"empty\">The data was not compared (see the decision).</p>\n</section>\n" }
        if let share = drift.driftShare {
            html += "<p class=\"note\">\(drift.columns.filter(\.drifted).count) of \(drift.columns.count) source columns drifted (share \(e(String(format: "%.3f", share)))).</p>\n"
        }
        html += "<table class=\"leaderboard drift\">\n<thead><tr><th>column</th><th>kind</th><th>test</th><th class=\"num\">statistic</th><th class=\"num\">p-value</th><th class=\"num\">PSI</th><th>drifted</th></tr></thead>\n<tbody>\n"
        let rows = drift.columns.sorted { $0.pValue < $1.pValue || ($0.pValue == $1.pValue && $0.psi > $1.psi) } + (drift.target.map { [$0] } ?? [])
        for (i, c) in rows.enumerated() {
            let isTarget = drift.target != nil && i == rows.count - 1
            html += "<tr\(c.drifted ? " class=\"best\"" : "")><td>\(e(c.name))\(isTarget ? " <span class=\"dim\">(target)</span>" : "")</td><td>\(e(c.kind))</td><td>\(e(c.test))</td>"
            html += "<td class=\"num\">\(e(String(format: "%.4g", c.statistic)))</td><td class=\"num\">\(e(String(format: "%.3g", c.pValue)))</td>"
            html += "<td class=\"num\">\(e(String(format: "%.3f", c.psi)))</td><td>\(c.drifted ? "yes" : "no")</td></tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    /// Parameters as `name=value` pairs sorted by name, real numbers to four significant digits.
    public static func params(_ params: [String: ParamValue]) -> String {
        guard !params.isEmpty else { return "—" }
        return params.keys.sorted().map { key in
            let value: String
            switch params[key]! {
            case .double(let d): value = String(format: "%.4g", d)
            default: value = params[key]!.description
            }
            return "\(key)=\(value)"
        }.joined(separator: " ")
    }

    /// The page's style sheet: system fonts only.
    static let css = """
    :root{--fg:#111827;--dim:#6b7280;--line:#e5e7eb;--bg:#ffffff;--panel:#f9fafb}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
    main{max-width:1240px;margin:0 auto;padding:24px 28px 40px}
    h1{font-size:26px;margin:0 0 12px}h1 .sweep-id{font-size:15px;font-weight:400;color:var(--dim);margin-left:8px}
    h2{font-size:19px;margin:30px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
    h3{font-size:15px;margin:18px 0 6px}
    code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:1px 4px;border-radius:3px;word-break:break-all}
    .facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:6px 24px;margin:0;padding:12px 16px;background:var(--panel);border:1px solid var(--line);border-radius:8px}
    .facts div{display:flex;gap:10px;min-width:0}.facts dt{color:var(--dim);min-width:92px}.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
    .bests{margin:12px 0 0;padding-left:20px}.bests li{margin:2px 0}
    .note{color:var(--dim);margin:4px 0 10px}
    details.config{margin:10px 0 0}details.config summary{cursor:pointer;color:var(--dim)}
    details.config pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow-x:auto;white-space:pre-wrap}
    .badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;line-height:18px;background:#e5e7eb;color:#374151}
    .badge.finished{background:#dcfce7;color:#166534}.badge.running{background:#ccfbf1;color:#115e59}
    .badge.failed{background:#fee2e2;color:#991b1b}.badge.cancelled,.badge.stopped{background:#f3f4f6;color:#4b5563}
    .badge.queued,.badge.pending,.badge.paused{background:#fef3c7;color:#92400e}
    table.leaderboard{border-collapse:collapse;width:100%;font-size:13px}
    .leaderboard th,.leaderboard td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    .leaderboard th{color:var(--dim);font-weight:600;background:var(--panel)}
    .leaderboard tr.best td{background:#fff7ed}
    .num{text-align:right!important;font-variant-numeric:tabular-nums;white-space:nowrap}
    .params{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
    .dim{color:var(--dim)}
    figure{margin:8px 0}
    .scatter-grid{display:flex;flex-wrap:wrap;gap:4px 12px}.scatter-grid figure{margin:0}
    svg.chart{display:block;max-width:100%;height:auto;font-family:inherit}
    svg .chart-title{font-size:14px;font-weight:600;fill:var(--fg)}
    svg .legend{font-size:12px;fill:#374151}
    svg .tick{font-size:11px;fill:var(--dim);font-variant-numeric:tabular-nums}
    svg .axis-label{font-size:12px;fill:#374151}
    svg .plot-area{fill:#fcfcfd;stroke:none}
    svg .grid line{stroke:#eef0f3;stroke-width:1}
    svg .axis line{stroke:#9ca3af;stroke-width:1}
    svg .empty{font-size:13px;fill:var(--dim);font-style:italic}
    footer{margin-top:36px;padding-top:10px;border-top:1px solid var(--line);color:var(--dim);font-size:12px}
    @media print{main{max-width:none;padding:0}section{break-inside:avoid-page}}
    """
}
