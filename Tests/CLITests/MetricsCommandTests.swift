import Foundation
import XCTest
import RungBlob

/// `rung head --metrics` and `rung worker --metrics` scraped by a real Prometheus (Debian's
/// `prometheus`, started with a config in a temporary directory); the test asks Prometheus'
/// HTTP API for the trial, worker and report series.
///
/// `prometheus` is `RUNG_PROMETHEUS`, else on PATH; missing, the test fails unless
/// `RUNG_SKIP_PROMETHEUS_TESTS=1`, which skips it.
final class MetricsCommandTests: XCTestCase {
    static func prometheus() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["RUNG_PROMETHEUS"], !configured.isEmpty { return configured }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(directory)/prometheus"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        if ProcessInfo.processInfo.environment["RUNG_SKIP_PROMETHEUS_TESTS"] == "1" { throw XCTSkip("prometheus is not installed") }
        throw NSError(domain: "rung", code: 1, userInfo: [NSLocalizedDescriptionKey:
            "prometheus not found: run scripts/install-deps --test, set RUNG_PROMETHEUS, or RUNG_SKIP_PROMETHEUS_TESTS=1 to skip"])
    }

    /// Starts `executable arguments` with output to `log`; the caller ends it.
    func start(_ executable: URL, _ arguments: [String], log: URL, in directory: URL? = nil) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// GET `url`'s body as text (nil when nothing answers).
    func get(_ url: String) -> String? {
        guard let reply = try? HTTPClient(connectTimeout: 2, totalTimeout: 5).send(method: "GET", url: url) else { return nil }
        return String(decoding: reply.body, as: UTF8.self)
    }

    /// The result vector of a Prometheus instant query.
    func query(_ prometheus: String, _ promQL: String) -> [[String: Any]] {
        let escaped = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promQL
        guard let text = get("\(prometheus)/api/v1/query?query=\(escaped)"),
              let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let data = json["data"] as? [String: Any] else { return [] }
        return data["result"] as? [[String: Any]] ?? []
    }

    func testPrometheusScrapesTheHeadAndTheWorkerDuringASweep() throws {
        let prometheus = try Self.prometheus()
        let dir = try RungProcess.temporaryDirectory(self)
        let data = try RungProcess.syntheticPreparedData(in: dir)
        let config = dir.appendingPathComponent("sweep.yaml")
        // More trials than the test can watch: the sweep still runs (a trial on the worker's
        // slot) whenever Prometheus scrapes, however fast the trials are; the test ends it.
        try """
        name: metrics-cli
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        scheduler: {type: fifo, max_epochs: 40}
        families:
          xgboost:
            trials: 100000
            space: {max_depth: {type: int, low: 2, high: 6}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let endpoint = try RungProcess.freeEndpoint()
        let headMetrics = "127.0.0.1:\(try TopCluster.freePort())"
        let workerMetrics = "127.0.0.1:\(try TopCluster.freePort())"
        let promAddress = "127.0.0.1:\(try TopCluster.freePort())"
        let head = try start(RungProcess.executable, ["head", "--listen", endpoint, "--metrics", headMetrics,
                                                      "--db", "sqlite:\(dir.path)/rung.db", "--artifacts", dir.appendingPathComponent("artifacts").path],
                             log: dir.appendingPathComponent("head.log"), in: dir)
        defer { if head.isRunning { head.interrupt() }; head.waitUntilExit() }
        let worker = try start(RungProcess.executable, ["worker", "--head", endpoint, "--slots", "1", "--name", "w1",
                                                        "--metrics", workerMetrics, "--cache", dir.appendingPathComponent("cache").path],
                               log: dir.appendingPathComponent("worker.log"), in: dir)
        defer { if worker.isRunning { worker.terminate() }; worker.waitUntilExit() }
        try """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
          - job_name: rung-head
            static_configs: [{targets: ["\(headMetrics)"]}]
          - job_name: rung-worker
            static_configs: [{targets: ["\(workerMetrics)"]}]
        """.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let server = try start(URL(fileURLWithPath: prometheus),
                               ["--config.file", dir.appendingPathComponent("prometheus.yml").path,
                                "--storage.tsdb.path", dir.appendingPathComponent("tsdb").path,
                                "--web.listen-address", promAddress],
                               log: dir.appendingPathComponent("prometheus.log"))
        defer { if server.isRunning { server.terminate() }; server.waitUntilExit() }

        let submit = try RungProcess.run(["sweep", "submit", config.path, "--head", endpoint])
        XCTAssertEqual(submit.status, 0, submit.stderr)
        // The sweep would outlast the test: cancel it first (this runs before the other
        // clean-ups), so the worker leaves after its trial and the head stops at once.
        defer { _ = try? RungProcess.run(["sweep", "cancel", "1", "--head", endpoint]) }

        let api = "http://\(promAddress)"
        let logs = { "head:\n\(RungProcess.text(of: dir.appendingPathComponent("head.log")))\nprometheus:\n\(RungProcess.text(of: dir.appendingPathComponent("prometheus.log")).suffix(2000))" }
        waitUntil("Prometheus has the head's trial series", timeout: 90, interval: 0.5, detail: logs()) {
            !query(api, #"rung_head_trials{family="xgboost"}"#).isEmpty
        }
        waitUntil("Prometheus sees the worker connected and its busy slot", timeout: 60, interval: 0.5, detail: logs()) {
            let workers = query(api, "rung_head_workers_connected").first?["value"] as? [Any]
            let busy = query(api, #"rung_worker_slots_busy{job="rung-worker"}"#).first?["value"] as? [Any]
            return workers?.last as? String == "1" && busy?.last as? String == "1"
        }
        waitUntil("Prometheus counts reports and epoch times", timeout: 60, interval: 0.5, detail: logs()) {
            let reports = (query(api, "rung_head_reports_total").first?["value"] as? [Any])?.last as? String
            let epochs = (query(api, "rung_worker_epoch_seconds_count").first?["value"] as? [Any])?.last as? String
            return Double(reports ?? "0") ?? 0 > 0 && Double(epochs ?? "0") ?? 0 > 0
        }
        let trialSeries = query(api, "rung_head_trials")
        let labels = trialSeries.compactMap { $0["metric"] as? [String: String] }
        XCTAssertTrue(labels.contains { $0["sweep"] == "metrics-cli#1" && $0["family"] == "xgboost" && $0["state"] == "running" }, "\(labels)")
        let text = try XCTUnwrap(get("http://\(headMetrics)/metrics"))
        XCTAssertTrue(text.contains("# TYPE rung_head_decision_latency_seconds histogram"), text)
        XCTAssertTrue(text.contains("rung_head_store_write_seconds_bucket"), text)
        XCTAssertEqual(get("http://\(headMetrics)/nothing-here")?.contains("/metrics"), true, "anything else is a 404 that names /metrics")
    }
}
