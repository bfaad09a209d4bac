import Foundation
import Prometheus
import RungMetrics
import RungWorker

/// `rung worker --metrics ADDR`: the worker's series (`WorkerMetrics`) behind a
/// `MetricsEndpoint`; the data-cache counts are read at each scrape.
enum WorkerMetricsEndpoint {
    nonisolated(unsafe) private static var cache: DataCache?
    nonisolated(unsafe) private static var metrics: WorkerMetrics?
    private static let lock = NSLock()

    /// Starts the endpoint and puts the worker's metrics into `options`.
    static func start(address: String, options: inout WorkerOptions) throws -> MetricsEndpoint {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(registry: registry, slots: options.slots)
        options.metrics = metrics
        let endpoint = try MetricsEndpoint(address: address, registry: registry, beforeScrape: {
            lock.lock()
            defer { lock.unlock() }
            if let cache = WorkerMetricsEndpoint.cache, let metrics = WorkerMetricsEndpoint.metrics {
                let counts = cache.counts
                metrics.dataCache(hits: counts.hits, misses: counts.misses)
            }
        })
        FileHandle.standardError.write(Data("rung worker: metrics at http://\(endpoint.address)/metrics\n".utf8))
        return endpoint
    }

    /// Reads `cache`'s counts into `metrics` at each scrape.
    static func watch(_ cache: DataCache, metrics: WorkerMetrics) {
        lock.lock()
        defer { lock.unlock() }
        Self.cache = cache
        Self.metrics = metrics
    }
}
