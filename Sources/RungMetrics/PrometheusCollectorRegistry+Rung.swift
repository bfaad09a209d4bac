import Prometheus

/// Series by name, help text and labels (the names carry their unit, e.g. `_seconds`).
extension PrometheusCollectorRegistry {
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// A gauge.
    public func gauge(_ name: String, help: String, labels: [(String, String)] = []) -> Gauge {
        makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
    }

    /// A counter.
    public func counter(_ name: String, help: String, labels: [(String, String)] = []) -> Counter {
        makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
    }

    /// A histogram of values with the given bucket upper bounds.
    public func histogram(_ name: String, help: String, buckets: [Double], labels: [(String, String)] = []) -> ValueHistogram {
        makeValueHistogram(descriptor: Self.descriptor(name, help), labels: labels, buckets: buckets)
    }
}
