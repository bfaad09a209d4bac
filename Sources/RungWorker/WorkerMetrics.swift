import Foundation
import Prometheus
import RungMetrics

/// A worker's Prometheus series (docs/metrics.md): slots and busy slots (their ratio is the
/// slot utilisation), trials run, the time of each epoch, and data-cache hits and misses.
/// Thread-safe: slot threads record into it while the metrics endpoint reads it.
public final class WorkerMetrics: Sendable {
    /// The registry the series live in.
    public let registry: PrometheusCollectorRegistry
    private let slots: Gauge
    private let busy: Gauge
    private let trials: Counter
    private let epochSeconds: ValueHistogram
    private let cacheHits: Gauge
    private let cacheMisses: Gauge

    /// Registers the worker's series in `registry` for a worker with `slots` slots.
    public init(registry: PrometheusCollectorRegistry, slots slotCount: Int) {
        self.registry = registry
        slots = registry.gauge("rung_worker_slots", help: "Training slots of this worker.")
        busy = registry.gauge("rung_worker_slots_busy", help: "Slots training a trial now.")
        trials = registry.counter("rung_worker_trials_total", help: "Trials this worker has run (any ending).")
        epochSeconds = registry.histogram("rung_worker_epoch_seconds", help: "Training and evaluation time of one epoch.",
                                                   buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
        cacheHits = registry.gauge("rung_worker_data_cache_hits", help: "Data loads served from memory.")
        cacheMisses = registry.gauge("rung_worker_data_cache_misses", help: "Data loads that read (or fetched) the splits.")
        slots.set(Double(slotCount))
    }

    /// A slot started a trial.
    public func trialStarted() { busy.increment() }

    /// A slot's trial ended.
    public func trialEnded() {
        busy.decrement()
        trials.increment()
    }

    /// One epoch took `seconds`.
    public func epoch(seconds: Double) {
        if seconds.isFinite && seconds >= 0 { epochSeconds.record(seconds) }
    }

    /// The data cache's counts so far.
    public func dataCache(hits: Int, misses: Int) {
        cacheHits.set(Double(hits))
        cacheMisses.set(Double(misses))
    }
}
