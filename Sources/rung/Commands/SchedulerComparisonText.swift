import Foundation
import RungCore

/// How `rung simulate --compare-schedulers` prints a `SchedulerComparison`: one Markdown
/// table per family, or one JSON document.
enum SchedulerComparisonText {
    /// Points of the best-so-far curve: fractions of the baseline's median makespan, and trial counts.
    static let timeFractions = [0.25, 0.5, 1.0]

    static func trialCounts(_ budget: Int) -> [Int] {
        Array(Set([10, budget / 2, budget].filter { $0 >= 1 })).sorted()
    }

    private static func num(_ x: Double, _ digits: Int = 4) -> String {
        x.isNaN ? "—" : (x.isInfinite ? "∞" : String(format: "%.\(digits)f", x))
    }

    /// The lower and upper quartile of `xs` in numeric order (NaN left out).
    private static func quartiles(_ xs: [Double]) -> (Double, Double) {
        let s = xs.filter { !$0.isNaN }.sorted()
        guard !s.isEmpty else { return (.nan, .nan) }
        return (s[s.count / 4], s[min(s.count - 1, (3 * s.count) / 4)])
    }

    /// The baseline's median makespan for a family (the time axis unit T).
    static func unit(_ f: SchedulerComparison.FamilyResult) -> Double {
        let base = f.variants.first { $0.variant.name == SchedulerComparison.baselineName } ?? f.variants[0]
        let s = base.makespans.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }

    /// One Markdown table per family.
    static func markdown(_ c: SchedulerComparison, metric: String, workers: Int, tableSizes: [Int]) -> String {
        var out: [String] = []
        for (i, f) in c.families.enumerated() {
            let t = unit(f)
            let budget = f.variants.first?.runs.first.map { $0.trialsStarted } ?? 0
            let counts = trialCounts(budget)
            let size = i < tableSizes.count ? ", \(tableSizes[i]) recorded configurations" : ""
            out.append("**\(f.family)**: \(c.seeds) seeds per row, \(workers) slots\(size). Target \(metric) = \(num(f.target)) "
                       + "(median final best of \(SchedulerComparison.baselineName)); T = its median makespan = \(num(t, 1)) s of virtual time (CPU seconds).")
            out.append("")
            var header = "| searcher + scheduler | median final best (q1–q3) | median makespan | reached target | median time to target | ÷ baseline |"
            var rule = "|---|---|---|---|---|---|"
            for fr in timeFractions { header += " best @ \(fr == 1 ? "" : String(format: "%g", fr))T |"; rule += "---|" }
            for n in counts { header += " best @ \(n) trials |"; rule += "---|" }
            out.append(header)
            out.append(rule)
            let baseTime = f.variants.first { $0.variant.name == SchedulerComparison.baselineName }
                .map { c.medianTimeToTarget($0, target: f.target) } ?? .nan
            for v in f.variants {
                let finals = v.runs.map(\.finalBest)
                let (q1, q3) = quartiles(finals)
                let spans = v.makespans.sorted()
                let reached = v.runs.filter { c.timeToTarget($0, target: f.target) != nil }.count
                let tt = c.medianTimeToTarget(v, target: f.target)
                var row = "| \(v.variant.name) | \(num(SchedulerComparison.median(finals, mode: c.mode))) (\(num(q1))–\(num(q3))) "
                    + "| \(num(spans[spans.count / 2], 1)) | \(reached)/\(v.runs.count) | \(num(tt, 1)) | \(tt.isFinite && baseTime > 0 ? String(format: "%.2f", tt / baseTime) : "—") |"
                for fr in timeFractions {
                    row += " \(num(SchedulerComparison.median(v.runs.map { SchedulerComparison.best($0, atTime: fr * t) }, mode: c.mode))) |"
                }
                for n in counts {
                    row += " \(num(SchedulerComparison.median(v.runs.map { SchedulerComparison.best($0, atTrials: n) }, mode: c.mode))) |"
                }
                out.append(row)
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// One JSON document: per family and variant, every seed's final best, makespan, time to target and best trace.
    static func json(_ c: SchedulerComparison, tableSizes: [Int]) -> String {
        JSONText.object([
            ("seeds", String(c.seeds)),
            ("families", JSONText.array(c.families.enumerated().map { i, f in
                JSONText.object([
                    ("family", JSONText.quote(f.family)),
                    ("table_configurations", i < tableSizes.count ? String(tableSizes[i]) : "null"),
                    ("target", JSONText.number(f.target)),
                    ("variants", JSONText.array(f.variants.map { v in
                        JSONText.object([
                            ("name", JSONText.quote(v.variant.name)),
                            ("final_best", JSONText.array(v.runs.map { JSONText.number($0.finalBest) })),
                            ("makespan", JSONText.array(v.makespans.map(JSONText.number))),
                            ("time_to_target", JSONText.array(v.runs.map { c.timeToTarget($0, target: f.target).map(JSONText.number) ?? "null" })),
                            ("best_trace", JSONText.array(v.runs.map { r in
                                JSONText.array(r.bestTrace.map {
                                    JSONText.object([("time", JSONText.number($0.time)), ("trials", String($0.trialsStarted)),
                                                     ("value", JSONText.number($0.value))])
                                })
                            })),
                        ])
                    })),
                ])
            })),
        ])
    }
}
