import Foundation
import Prometheus
import RungBlob
import XCTest
@testable import RungMetrics

final class MetricsEndpointTests: XCTestCase {
    func testAddressesParseAndBadOnesAreUsageErrors() throws {
        XCTAssertEqual(try MetricsEndpoint.parse(":9464").0, "0.0.0.0")
        XCTAssertEqual(try MetricsEndpoint.parse("localhost:9464").0, "127.0.0.1")
        XCTAssertEqual(try MetricsEndpoint.parse("127.0.0.1:0").1, 0)
        XCTAssertThrowsError(try MetricsEndpoint.parse("nonsense"))
        XCTAssertThrowsError(try MetricsEndpoint(address: "host.example:9464", registry: PrometheusCollectorRegistry()))
    }

    func testTheEndpointServesTheRegistryInPrometheusTextFormat() throws {
        let registry = PrometheusCollectorRegistry()
        let gauge = registry.gauge("rung_test_value", help: "A test value.", labels: [("kind", "a")])
        let counter = registry.counter("rung_test_total", help: "A test counter.")
        let histogram = registry.histogram("rung_test_seconds", help: "A test histogram.", buckets: [0.1, 1])
        gauge.set(2.5)
        counter.increment(by: Int64(3))
        histogram.record(0.5)
        nonisolated(unsafe) var scrapes = 0
        let endpoint = try MetricsEndpoint(address: "127.0.0.1:0", registry: registry, beforeScrape: { scrapes += 1 })
        defer { endpoint.stop() }
        XCTAssertFalse(endpoint.address.hasSuffix(":0"), "the real port is reported")
        let client = HTTPClient(connectTimeout: 2, totalTimeout: 5)
        let reply = try client.send(method: "GET", url: "http://\(endpoint.address)/metrics")
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        let text = String(decoding: reply.body, as: UTF8.self)
        XCTAssertTrue(text.contains("# HELP rung_test_value A test value."), text)
        XCTAssertTrue(text.contains(#"rung_test_value{kind="a"} 2.5"#), text)
        XCTAssertTrue(text.contains("rung_test_total 3"), text)
        XCTAssertTrue(text.contains(#"rung_test_seconds_bucket{le="1.0"} 1"#), text)
        XCTAssertEqual(scrapes, 1)
        let other = try client.send(method: "GET", url: "http://\(endpoint.address)/")
        XCTAssertEqual(other.status, 404)
    }
}
