import Foundation
import Prometheus

/// The server's Prometheus metrics (`GET /metrics`, text format through swift-prometheus):
/// - `rung_serve_requests_total{route,status}`
/// - `rung_serve_errors_total{kind}`
/// - `rung_serve_request_duration_seconds{route}` (histogram)
/// - `rung_serve_rows_scored_total{family,version}`
/// - `rung_serve_model_info{family,version,stage}` (1 for the served version)
/// - `rung_serve_reloads_total{result}` (`loaded`, `failed`)
/// - `rung_serve_prediction_log_dropped_lines` (gauge)
/// - `rung_serve_predict_phase_seconds{phase}` (histogram: where a `/predict` request's
///   time goes — `read` the body and parse the JSON, `clean` and encode the rows, `model`
///   (XGBoost), `answer` the response and the prediction-log lines)
public final class ServeMetrics: Sendable {
    /// The registry every metric lives in.
    public let registry = PrometheusCollectorRegistry()
    private let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    private let phaseBuckets: [Duration] = [
        .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50),
    ]

    /// Creates the registry.
    public init() {}

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "rung", subsystem: "serve", metricName: metric, unitName: unit, helpText: help)
    }

    static var requests: MetricNameDescriptor { name("requests", "total", "Answered requests by route and status.") }
    static var errors: MetricNameDescriptor { name("errors", "total", "Refused or failed requests by kind.") }
    static var duration: MetricNameDescriptor { name("request_duration", "seconds", "Time from routing to the answer, by route.") }
    static var rows: MetricNameDescriptor { name("rows_scored", "total", "Rows scored, by model version.") }
    static var info: MetricNameDescriptor { name("model_info", "", "1 for the model version served now.") }
    static var reloads: MetricNameDescriptor { name("reloads", "total", "Attempts to load a new version, by result.") }
    static var phase: MetricNameDescriptor { name("predict_phase", "seconds", "Time of each phase of a /predict request.") }
    static var dropped: MetricNameDescriptor { name("prediction_log_dropped_lines", "", "Prediction-log lines dropped because the disk fell behind.") }

    /// Counts one answered request and records its duration.
    public func request(route: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route)], buckets: buckets)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// Records the time of one phase of a `/predict` request.
    public func phase(_ name: String, seconds: Double) {
        registry.makeDurationHistogram(descriptor: Self.phase, labels: [("phase", name)], buckets: phaseBuckets)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// Counts one error of `kind`.
    public func error(kind: String) {
        registry.makeCounter(descriptor: Self.errors, labels: [("kind", kind)]).increment()
    }

    /// Counts `rows` scored by `family@version`.
    public func scored(rows: Int, family: String, version: Int) {
        registry.makeCounter(descriptor: Self.rows, labels: [("family", family), ("version", String(version))])
            .increment(by: Int64(rows))
    }

    /// Marks `family@version` as the served model (and the one before it as no longer served).
    public func serving(family: String, version: Int, stage: String, previous: (family: String, version: Int, stage: String)?) {
        if let previous {
            registry.makeGauge(descriptor: Self.info, labels: [("family", previous.family), ("version", String(previous.version)), ("stage", previous.stage)])
                .set(to: 0)
        }
        registry.makeGauge(descriptor: Self.info, labels: [("family", family), ("version", String(version)), ("stage", stage)]).set(to: 1)
    }

    /// Counts a reload attempt.
    public func reload(_ result: String) {
        registry.makeCounter(descriptor: Self.reloads, labels: [("result", result)]).increment()
    }

    /// Sets the number of prediction-log lines dropped so far.
    public func logDropped(_ lines: Int) {
        registry.makeGauge(descriptor: Self.dropped).set(to: Double(lines))
    }

    /// The text exposition.
    public func text() -> [UInt8] { registry.emitToBuffer() }
}
