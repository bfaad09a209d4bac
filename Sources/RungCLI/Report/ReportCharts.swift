import Foundation
import RungCore
import RungStore

/// The report's plots built from `ReportData`: learning curves per family, the best so far
/// over time, and the metric against each hyperparameter.
struct ReportCharts {
    let data: ReportData

    /// Colours by trial status and for families, chosen to be told apart in print too.
    enum Palette {
        static let finished = "#2563eb"
        static let stopped = "#9ca3af"
        static let failed = "#dc2626"
        static let live = "#0d9488"
        static let best = "#ea580c"
        static let families = ["#2563eb", "#ea580c", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#b45309"]

        /// The colour of family number `index`.
        static func family(_ index: Int) -> String { families[index % families.count] }
    }

    /// The y-axis label: the metric and which way is better.
    var metricLabel: String { "\(data.metric.name) (\(data.metric.mode == .max ? "higher" : "lower") is better)" }

    /// How a trial's status is drawn: colour, width, dash, and the CSS class tests look for.
    static func style(for status: TrialRecord.Status) -> SVGChart.Style {
        switch status {
        case .finished: return .init(colour: Palette.finished, width: 1.6, opacity: 0.85, cssClass: "curve finished")
        case .stopped: return .init(colour: Palette.stopped, width: 1, opacity: 0.8, cssClass: "curve stopped")
        case .failed, .cancelled: return .init(colour: Palette.failed, width: 1, opacity: 0.8, dash: "4 3", cssClass: "curve \(status.rawValue)")
        case .running, .paused, .pending: return .init(colour: Palette.live, width: 1.4, opacity: 0.9, dash: "1 3", cssClass: "curve \(status.rawValue)")
        }
    }

    /// The hover text of a trial: id, number, status, value, epochs and parameters.
    func tooltip(_ trial: ReportData.Trial) -> String {
        "trial \(trial.id) (#\(trial.record.number), \(trial.family)) \(trial.record.status.rawValue) · \(data.metric.name) \(HTMLText.metric(trial.hasValue ? trial.value : nil)) after \(trial.curve.count) epoch(s)"
            + (trial.params.isEmpty ? "" : " · " + ReportPage.params(trial.params))
    }

    /// (a) Every trial's metric against its epoch: finished trials coloured, early-stopped
    /// ones thin grey, failed ones dashed red, the family's best drawn last and thick.
    func learningCurves(family: String, width: Double = 1180, height: Double = 380) -> SVGChart {
        let trials = data.trials(of: family)
        let best = data.best(of: family)
        let values = trials.flatMap { $0.curve.map(\.value) }
        let epochsSeen = trials.flatMap { $0.curve.map { Double($0.epoch) } }
        let x = PlotScale.integers(fitting: epochsSeen.isEmpty ? [1] : epochsSeen, padding: 0.015)
        var chart = SVGChart(width: width, height: height, title: "\(family): learning curves (\(trials.count) trials)",
                             xLabel: "epoch", yLabel: metricLabel, x: x, y: .linear(fitting: values))
        chart.emptyMessage = trials.isEmpty ? "no trials yet" : "no trial has reported \(data.metric.name) yet"
        let present = Set(trials.map(\.record.status))
        let legendOrder: [(TrialRecord.Status, String)] = [
            (.finished, "finished"), (.stopped, "stopped early (\(data.config.scheduler.type.rawValue))"), (.running, "running"), (.paused, "paused"),
            (.pending, "pending"), (.failed, "failed"), (.cancelled, "cancelled"),
        ]
        for (status, label) in legendOrder where present.contains(status) {
            let style = Self.style(for: status)
            chart.addLegend("\(label) (\(trials.filter { $0.record.status == status }.count))", colour: style.colour,
                            symbol: .line(width: max(1.5, style.width), dash: style.dash))
        }
        if let best { chart.addLegend("best: trial \(best.id) (\(HTMLText.metric(best.value)))", colour: Palette.best, symbol: .line(width: 3, dash: nil)) }
        // Stopped first (underneath), then the others, the best on top.
        let order: [TrialRecord.Status: Int] = [.stopped: 0, .cancelled: 1, .failed: 1, .pending: 2, .paused: 2, .running: 2, .finished: 3]
        for trial in trials.sorted(by: { (order[$0.record.status] ?? 0, $0.id) < (order[$1.record.status] ?? 0, $1.id) })
            where trial.id != best?.id {
            chart.addPath(trial.curve.map { (x: Double($0.epoch), y: $0.value) }, style: Self.style(for: trial.record.status),
                          tooltip: tooltip(trial), data: ["trial": "\(trial.id)"])
        }
        if let best {
            chart.addPath(best.curve.map { (x: Double($0.epoch), y: $0.value) },
                          style: .init(colour: Palette.best, width: 3, cssClass: Self.style(for: best.record.status).cssClass + " best"),
                          tooltip: "best: " + tooltip(best), data: ["trial": "\(best.id)"])
        }
        return chart
    }

    /// (b) The best value so far against time since the sweep was submitted, one staircase
    /// per family; a trial counts when it ends (finished, stopped, failed), with the value
    /// at its last reported epoch.
    func bestSoFar(width: Double = 1180, height: Double = 320) -> SVGChart {
        let start = data.sweep.createdAt
        var series: [(family: String, points: [(x: Double, y: Double)], improvements: [(x: Double, y: Double, trial: ReportData.Trial)])] = []
        for family in data.families {
            let ended = data.trials(of: family).filter { $0.record.status.isTerminal && $0.record.finishedAt != nil }
                .sorted { ($0.record.finishedAt!, $0.id) < ($1.record.finishedAt!, $1.id) }
            var best = Double.nan
            var points: [(x: Double, y: Double)] = []
            var improvements: [(x: Double, y: Double, trial: ReportData.Trial)] = []
            for trial in ended {
                let t = max(0, trial.record.finishedAt!.timeIntervalSince(start))
                if trial.hasValue, best.isNaN || data.metric.mode.isBetter(trial.value, than: best) {
                    best = trial.value
                    improvements.append((t, best, trial))
                }
                if !best.isNaN { points.append((t, best)) }
            }
            series.append((family, points, improvements))
        }
        let times = series.flatMap { $0.points.map(\.x) }
        let span = max(times.max() ?? 0, 1)
        let (unit, divisor) = span < 120 ? ("seconds", 1.0) : span < 7200 ? ("minutes", 60.0) : ("hours", 3600.0)
        let x = PlotScale.linear(low: 0, high: Self.niceCeiling(span / divisor))
        let values = series.flatMap { $0.points.map(\.y) }
        var chart = SVGChart(width: width, height: height, title: "Best \(data.metric.name) so far, by family",
                             xLabel: "\(unit) since the sweep was submitted (a trial counts when it ends)",
                             yLabel: metricLabel, x: x, y: .linear(fitting: values))
        chart.emptyMessage = "no trial has ended with a value for \(data.metric.name) yet"
        for (index, s) in series.enumerated() {
            let colour = Palette.family(index)
            let last = s.points.last.map { HTMLText.metric($0.y) } ?? "—"
            chart.addLegend("\(s.family) (\(last))", colour: colour, symbol: .line(width: 2.5, dash: nil))
            guard !s.points.isEmpty else { continue }
            chart.addPath(s.points.map { (x: $0.x / divisor, y: $0.y) }, style: .init(colour: colour, width: 2.5, cssClass: "best-so-far"),
                          steps: true, tooltip: "\(s.family): best so far", data: ["family": s.family])
            for improvement in s.improvements {
                chart.addMarker(x: improvement.x / divisor, y: improvement.y, radius: 3.5,
                                style: .init(colour: colour, cssClass: "improvement"), outline: "#ffffff",
                                tooltip: "\(HTMLText.duration(improvement.x)): " + tooltip(improvement.trial))
            }
        }
        return chart
    }

    /// The parameters plotted for a family: its searched (non-constant) parameters in config
    /// order, then any other flat parameter its trials carry.
    func parameters(of family: String) -> [(name: String, domain: ParameterDomain?)] {
        var list: [(name: String, domain: ParameterDomain?)] = []
        if let config = data.config.family(named: family) {
            for p in config.space.parameters {
                if case .const = p.domain { continue }
                list.append((p.name, p.domain))
            }
        }
        let known = Set(list.map(\.name))
        let extra = Set(data.trials(of: family).flatMap { $0.params.keys }).subtracting(known)
        if list.isEmpty { list += extra.sorted().map { ($0, nil) } }
        return list
    }

    /// (c) The metric against one parameter: one dot per trial with a value, log axis for
    /// log-scaled parameters, one band per category for choices (dots jittered within it).
    func scatter(family: String, parameter: String, domain: ParameterDomain?, width: Double = 384, height: Double = 270) -> SVGChart {
        let trials = data.trials(of: family)
        let best = data.best(of: family)
        let withParam = trials.filter { $0.params[parameter] != nil }
        let scored = withParam.filter(\.hasValue)
        let numeric = withParam.compactMap { $0.params[parameter]?.doubleValue }
        let categorical: Bool
        var x: PlotScale
        var scaleNote = ""
        switch domain {
        case let .loguniform(low, high)?:
            categorical = false
            x = .log(low: low, high: high)
            scaleNote = " (log scale)"
        case let .int(low, high, log)? where log:
            categorical = false
            x = .log(low: Double(low), high: Double(high))
            scaleNote = " (log scale)"
        case let .uniform(low, high)?, let .quniform(low, high, _)?:
            categorical = false
            x = .linear(fitting: [low, high] + numeric, padding: 0.03)
        case let .int(low, high, _)?:
            categorical = false
            x = .integers(fitting: [Double(low), Double(high)] + numeric)
        case .choice(let choices)?:
            categorical = true
            var names = choices.map(\.description)
            for v in withParam.compactMap({ $0.params[parameter]?.description }) where !names.contains(v) { names.append(v) }
            x = .categories(names)
        case .const?, nil:
            categorical = numeric.count < withParam.count || withParam.isEmpty
            x = categorical ? .categories(Array(Set(withParam.compactMap { $0.params[parameter]?.description })).sorted())
                : .linear(fitting: numeric)
        }
        if case let .log(low, high) = x, low <= 0 || high <= low { x = .linear(fitting: numeric) }
        let missing = trials.count - scored.count
        var chart = SVGChart(width: width, height: height, title: "\(parameter)\(scaleNote)",
                             xLabel: parameter + (missing > 0 ? " (\(missing) trial\(missing == 1 ? "" : "s") not shown: no value)" : ""),
                             yLabel: data.metric.name, x: x, y: .linear(fitting: scored.map(\.value), padding: 0.12))
        chart.emptyMessage = withParam.isEmpty ? "no trial has this parameter yet" : "no trial has a value for \(data.metric.name) yet"
        let present = Set(scored.map(\.record.status))
        for status in [TrialRecord.Status.finished, .stopped, .running, .paused, .failed, .cancelled] where present.contains(status) {
            chart.addLegend(status == .stopped ? "stopped early" : status.rawValue, colour: Self.style(for: status).colour, symbol: .dot)
        }
        if let best, scored.contains(where: { $0.id == best.id }) { chart.addLegend("best", colour: Palette.best, symbol: .dot) }
        for trial in scored.sorted(by: { ($0.id == best?.id ? 1 : 0, $0.id) < ($1.id == best?.id ? 1 : 0, $1.id) }) {
            guard let value = trial.params[parameter] else { continue }
            let xValue: Double
            if categorical {
                guard case .categories(let names) = x, let index = names.firstIndex(of: value.description) else { continue }
                xValue = Double(index) + Self.jitter(trial.id) * 0.6
            } else {
                guard let d = value.doubleValue else { continue }
                xValue = d
            }
            let isBest = trial.id == best?.id
            let base = Self.style(for: trial.record.status)
            chart.addMarker(x: xValue, y: trial.value, radius: isBest ? 5.5 : 3.5,
                            style: .init(colour: isBest ? Palette.best : base.colour, opacity: isBest ? 1 : 0.8,
                                         cssClass: "point \(trial.record.status.rawValue)\(isBest ? " best" : "")"),
                            outline: isBest ? "#7c2d12" : nil, tooltip: tooltip(trial), data: ["trial": "\(trial.id)"])
        }
        return chart
    }

    /// A deterministic offset in [-0.5, 0.5) for spreading dots within a category band.
    static func jitter(_ id: Int64) -> Double {
        var h = UInt64(bitPattern: id) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return Double(h % 1000) / 1000 - 0.5
    }

    /// The smallest 1, 2, 2.5 or 5 × 10^k at least `value` (for an axis end).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(value)))
        return ([1.0, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map { $0 * power }.first { $0 >= value * (1 - 1e-12) }) ?? 10 * power
    }
}
