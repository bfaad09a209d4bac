import Foundation
import Prometheus
import RungCore
import RungMLflow
import RungWire
import RungStore
import RungMetrics

/// The head's Prometheus series (docs/metrics.md), fed by every committed pass: workers
/// and slots, trials by state per sweep and family, reports and decisions (counters, so
/// Prometheus' `rate()` gives per second), decision latency and store-write latency
/// histograms, the best metric per family, dropped frames, and the MLflow export backlog.
/// Counters and histograms move every pass; the gauges computed from the head's state are
/// refreshed at most once a second.
public final class HeadMetricsObserver: HeadPassObserver {
    private let registry: PrometheusCollectorRegistry
    private let workers: Gauge
    private let slotsTotal: Gauge
    private let slotsBusy: Gauge
    private let reports: Counter
    private let decisions: [Verdict: Counter]
    private let decisionLatency: ValueHistogram
    private let storeWrite: ValueHistogram
    private let passes: Counter
    private let exportBacklogTrials: Gauge
    private let exportBacklogEpochs: Gauge
    private let exportFailures: Gauge
    private var trialGauges: [[String]: Gauge] = [:]
    private var bestGauges: [[String]: Gauge] = [:]
    private var dropped: [String: Counter] = [:]
    private var lastRefresh = DispatchTime(uptimeNanoseconds: 0)
    /// The MLflow export whose backlog is shown, if any.
    public var export: TrackingExportThread?

    /// Latency buckets in seconds (0.1 ms to 2.5 s).
    static let latencyBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    /// Registers the head's series in `registry`.
    public init(registry: PrometheusCollectorRegistry, export: TrackingExportThread? = nil) {
        self.registry = registry
        self.export = export
        workers = registry.gauge("rung_head_workers_connected", help: "Workers connected to the head.")
        slotsTotal = registry.gauge("rung_head_slots", help: "Training slots of the connected workers.")
        slotsBusy = registry.gauge("rung_head_slots_busy", help: "Slots running a trial.")
        reports = registry.counter("rung_head_reports_total", help: "Epoch reports received.")
        var byVerdict: [Verdict: Counter] = [:]
        for (verdict, name) in [(Verdict.continue, "continue"), (.stop, "stop"), (.pause, "pause")] {
            byVerdict[verdict] = registry.counter("rung_head_decisions_total", help: "Milestone decisions sent to workers.", labels: [("verdict", name)])
        }
        decisions = byVerdict
        decisionLatency = registry.histogram("rung_head_decision_latency_seconds", help: "From a pass's messages in hand to its decisions sent.", buckets: Self.latencyBuckets)
        storeWrite = registry.histogram("rung_head_store_write_seconds", help: "A pass's store transaction: its writes and the commit.", buckets: Self.latencyBuckets)
        passes = registry.counter("rung_head_passes_total", help: "Loop passes that handled messages.")
        exportBacklogTrials = registry.gauge("rung_mlflow_export_backlog_trials",
                                                 help: "Trials whose newest state is not yet on the MLflow server.")
        exportBacklogEpochs = registry.gauge("rung_mlflow_export_backlog_epochs",
                                                 help: "Epoch results not yet on the MLflow server.")
        exportFailures = registry.gauge("rung_mlflow_export_failing_passes",
                                            help: "Export passes failed in a row (0 while the server answers).")
    }

    /// Nothing to write.
    public func passWillCommit(store: any Store) throws {}

    /// Counts the pass's reports, decisions and drops; times it; refreshes the gauges.
    public func passCommitted(_ pass: HeadPass, head: Head) {
        var sentDecision = false
        var wrote = false
        for effect in pass.effects {
            switch effect {
            case .recordEpoch:
                reports.increment()
                wrote = true
            case .send(.decision(let decision), _):
                decisions[decision.verdict]?.increment()
                sentDecision = true
            case .createTrial, .saveTrial, .saveWorker:
                wrote = true
            case .dropped(let reason, _):
                let key = String(reason.split(separator: ":").first ?? "")
                if dropped[key] == nil {
                    dropped[key] = registry.counter("rung_head_frames_dropped_total", help: "Frames the head did not act on, by reason.", labels: [("reason", key)])
                }
                dropped[key]?.increment()
            default:
                break
            }
        }
        if pass.handledMessages { passes.increment() }
        if sentDecision { decisionLatency.record(pass.seconds) }
        if wrote { storeWrite.record(pass.transactionSeconds) }
        let now = DispatchTime.now()
        if now.uptimeNanoseconds - lastRefresh.uptimeNanoseconds >= 1_000_000_000 {
            lastRefresh = now
            refresh(head)
        }
    }

    /// The gauges computed from the head's state.
    func refresh(_ head: Head) {
        workers.set(Double(head.workers.byName.count))
        slotsTotal.set(Double(head.workers.totalSlots))
        slotsBusy.set(Double(head.workers.busySlots))
        var counts: [[String]: Int] = [:]
        for board in head.monitor.boards.values {
            let sweep = board.name + "#" + String(board.id)
            for trial in board.trials.values { counts[[sweep, trial.family, trial.status.rawValue], default: 0] += 1 }
            for (family, best) in board.best {
                guard let value = best.value else { continue }
                let key = [sweep, family, board.metricName]
                if bestGauges[key] == nil {
                    bestGauges[key] = registry.gauge("rung_head_best_metric",
                                                         help: "The best value of the sweep's metric per family so far.",
                                                         labels: [("sweep", sweep), ("family", family), ("metric", board.metricName)])
                }
                bestGauges[key]?.set(value)
            }
        }
        // Every known series is set, so a state that emptied reads 0 rather than its old count.
        for key in Set(trialGauges.keys).union(counts.keys) {
            if trialGauges[key] == nil {
                trialGauges[key] = registry.gauge("rung_head_trials", help: "Trials by state, per sweep and family.",
                                                      labels: [("sweep", key[0]), ("family", key[1]), ("state", key[2])])
            }
            trialGauges[key]?.set(Double(counts[key] ?? 0))
        }
        if let export {
            let backlog = export.backlog
            exportBacklogTrials.set(Double(backlog?.trials ?? 0))
            exportBacklogEpochs.set(Double(backlog?.epochs ?? 0))
            exportFailures.set(Double(export.consecutiveFailures))
        }
    }
}
