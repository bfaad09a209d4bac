import ArgumentParser
import Foundation
import RungCore
import RungCLI

/// `rung simulate`: a sweep in virtual time with synthetic or replayed learning curves.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a sweep in virtual time: searcher and scheduler for real, training replaced by learning curves.",
        discussion: """
        Each epoch takes --epoch-time units of virtual time on one of --workers slots. Reports \
        the final best metric per family, when and after how many trials it was reached, \
        trials stopped per milestone, and worker utilisation.

        Curves: saturating (smooth), noisy (saturating + noise), crossing (better configurations \
        learn more slowly), synthetic (= saturating), or a file of JSON lines \
        {"trial":ID,"params":{...},"epoch":E,"value":V} whose nearest recorded trial is replayed.

        --compare-fit runs the sweep --repeats times with the searcher fitted on the highest rung \
        and on last results, and reports how many trials each needed to reach a common target.

        --table FILE replays a tabulated benchmark recorded by bench/search/record_curves.py \
        (one line per configuration: family, params, per-epoch values and seconds): each family \
        gets its own configurations, and epochs take their recorded time as virtual time. \
        --compare-schedulers then runs every family alone, --repeats seeds per combination, with \
        FIFO + random, ASHA + random, ASHA + TPE fitted on last results (Ray Tune's HyperOptSearch), \
        ASHA, promotion ASHA and Hyperband with TPE fitted on the highest rung, and FIFO + TPE, \
        and prints one Markdown table per family: best metric against virtual time and trials, \
        and the time to reach the median final best of ASHA + last-result TPE.

        Example:
          rung simulate Config/health-predict.yaml --table bench/search/curves-diabetes.jsonl \\
            --compare-schedulers --repeats 50
        """
    )

    @Argument(help: "The sweep config (YAML).")
    var config: String

    @Option(help: "Worker slots to simulate.")
    var workers: Int = 4

    @Option(help: "Learning curves: synthetic, saturating, noisy, crossing, or a replay file.")
    var curves: String = "synthetic"

    @Option(name: .customLong("epoch-time"), help: "Virtual time per epoch.")
    var epochTime: Double = 1

    @Option(help: "Override the searcher's fit: highest_rung or last_result.")
    var fit: String?

    @Flag(name: .customLong("compare-fit"), help: "Compare the highest-rung fit with the last-result fit over --repeats runs.")
    var compareFit: Bool = false

    @Option(help: "Runs per variant for --compare-fit and --compare-schedulers (seeds config seed + 0, 1, …).")
    var repeats: Int = 10

    @Option(help: "A tabulated benchmark (JSON lines from bench/search/record_curves.py) to replay, with its epoch times.")
    var table: String?

    @Flag(name: .customLong("compare-schedulers"), help: "Compare searcher + scheduler combinations per family over --repeats seeds.")
    var compareSchedulers: Bool = false

    @Flag(help: "Print one JSON document.")
    var json: Bool = false

    func run() throws {
        guard workers >= 1 else { throw RungError.usage("--workers must be at least 1") }
        guard epochTime > 0 else { throw RungError.usage("--epoch-time must be positive") }
        var sweep = try SweepConfigParser.load(path: config)
        if let fit {
            guard let p = FidelityPolicy(rawValue: fit) else {
                throw RungError.usage("--fit must be highest_rung or last_result, not '\(fit)'")
            }
            sweep.searcher.tpe.fidelity = p
        }
        let replayText: String?
        let family: SyntheticCurves.Family?
        let source = table ?? curves
        if table != nil && curves != "synthetic" {
            throw RungError.usage("give either --table or --curves, not both")
        }
        switch source {
        case "synthetic", "saturating": family = .saturating; replayText = nil
        case "noisy": family = .noisy; replayText = nil
        case "crossing": family = .crossing; replayText = nil
        default:
            family = nil
            do {
                replayText = try String(contentsOfFile: source, encoding: .utf8)
            } catch {
                throw RungError.badInput("cannot read curves file \(source): \(error.localizedDescription)")
            }
        }
        // Parse replay files once up front so errors surface before simulating.
        var replays: [ReplayCurves] = []
        if let replayText {
            replays = try sweep.families.map {
                try ReplayCurves(text: replayText, file: source, space: $0.space, family: table == nil ? nil : $0.name)
            }
            if table != nil, replays.contains(where: { !$0.hasSeconds }) {
                throw RungError.badInput("\(source): a table needs seconds on every line (record it with bench/search/record_curves.py)")
            }
        }
        let makeCurves: (SweepConfig, Int) -> [any LearningCurves] = { c, _ in
            if let family {
                return c.families.enumerated().map { i, f in
                    SyntheticCurves(family: family, space: f.space, mode: c.metric.mode,
                                    maxEpochs: c.scheduler.maxEpochs, seed: c.seed &+ UInt64(i))
                }
            }
            return replays
        }

        if compareSchedulers {
            guard repeats >= 1 else { throw RungError.usage("--repeats must be at least 1") }
            let cmp = SchedulerComparison(config: sweep, workers: workers, seeds: repeats, epochTime: epochTime) { i in
                if let family {
                    return SyntheticCurves(family: family, space: sweep.families[i].space, mode: sweep.metric.mode,
                                           maxEpochs: sweep.scheduler.maxEpochs, seed: sweep.seed &+ UInt64(i))
                }
                return replays[i]
            }
            let sizes = replays.map(\.count)
            print(json ? SchedulerComparisonText.json(cmp, tableSizes: sizes)
                       : SchedulerComparisonText.markdown(cmp, metric: sweep.metric.name, workers: workers, tableSizes: sizes))
            return
        }
        if compareFit {
            guard repeats >= 1 else { throw RungError.usage("--repeats must be at least 1") }
            let cmp = FidelityComparison(config: sweep, workers: workers, repeats: repeats, epochTime: epochTime, curves: makeCurves)
            print(json ? comparisonJSON(cmp) : comparisonText(cmp, sweep: sweep))
            return
        }
        let report = SweepSimulator(config: sweep, workers: workers, curves: makeCurves(sweep, 0), epochTime: epochTime).run()
        print(json ? report.json() : text(report, sweep: sweep))
    }

    private func text(_ r: SimulationReport, sweep: SweepConfig) -> String {
        var lines = ["sweep \(sweep.name): \(r.workers) workers, \(sweep.searcher.type.rawValue) + \(sweep.scheduler.type.rawValue), curves \(curves)",
                     String(format: "makespan %.1f, epochs %d, utilisation %.1f%%", r.makespan, r.epochsRun, r.utilisation * 100)]
        for f in r.families {
            lines.append("family \(f.name): \(f.trialsStarted) trials, \(f.trialsCompleted) completed, \(f.trialsLeftPaused) left paused")
            let stops = f.stoppedAtEpoch.keys.sorted().map { "epoch \($0): \(f.stoppedAtEpoch[$0]!)" }.joined(separator: ", ")
            lines.append("  stopped: " + (stops.isEmpty ? "none" : stops))
            lines.append(String(format: "  best %@ = %.5f at time %.1f after %d trials", sweep.metric.name, f.finalBest, f.timeToBest, f.trialsToBest))
            lines.append("  params: " + f.bestParams.keys.sorted().map { "\($0)=\(f.bestParams[$0]!)" }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    private static func median<T: Comparable>(_ xs: [T]) -> T? {
        let s = xs.sorted()
        return s.isEmpty ? nil : s[s.count / 2]
    }

    private func comparisonText(_ c: FidelityComparison, sweep: SweepConfig) -> String {
        var lines = [String(format: "target %@ = %.5f (the worse of the two median final bests), %d runs per variant, %d workers",
                            sweep.metric.name, c.target, repeats, workers)]
        for v in c.variants {
            let reached = v.trialsToTarget.compactMap { $0 }
            let times = v.timeToTarget.compactMap { $0 }
            let best = v.finalBest.sorted { sweep.metric.mode.loss($0) < sweep.metric.mode.loss($1) }
            lines.append(String(format: "%-13@ median final best %.5f; reached target in %d/%d runs; median trials to target %@; median time %@",
                                v.fidelity.rawValue as NSString, best[best.count / 2], reached.count, v.finalBest.count,
                                Self.median(reached).map { String($0) } ?? "-",
                                Self.median(times).map { String(format: "%.1f", $0) } ?? "-"))
        }
        return lines.joined(separator: "\n")
    }

    private func comparisonJSON(_ c: FidelityComparison) -> String {
        JSONText.object([
            ("target", JSONText.number(c.target)),
            ("workers", String(workers)),
            ("repeats", String(repeats)),
            ("variants", JSONText.array(c.variants.map { v in
                JSONText.object([
                    ("fit", JSONText.quote(v.fidelity.rawValue)),
                    ("final_best", JSONText.array(v.finalBest.map(JSONText.number))),
                    ("trials_to_target", JSONText.array(v.trialsToTarget.map { $0.map(String.init) ?? "null" })),
                    ("time_to_target", JSONText.array(v.timeToTarget.map { $0.map(JSONText.number) ?? "null" })),
                ])
            })),
        ])
    }
}
