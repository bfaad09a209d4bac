import Foundation
import RungBlob

/// MLflow's REST API (`/api/2.0/mlflow/…`) over the project's libcurl wrapper: the calls
/// the tracking export, the registry export and the history import need. Every call is
/// synchronous; transport failures and 5xx answers throw `MLflowError.unavailable`.
public final class MLflowClient: Sendable {
    /// The tracking server's base URI, without a trailing slash.
    public let baseURI: String
    let httpClient: HTTPClient
    /// Requests sent so far and the seconds spent waiting for their answers.
    private let counters = RequestCounters()

    /// Requests sent by this client so far, and the seconds they took (answers included).
    public var requestStats: (count: Int, seconds: Double) { counters.read() }

    /// The most metrics, params and tags MLflow accepts in one `log-batch` request.
    public static let batchLimits = (metrics: 1000, params: 100, tags: 100)

    /// A client for the server at `baseURI` (`http://host:port`).
    public init(baseURI: String, timeout: Double = 30) {
        var base = baseURI
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURI = base
        httpClient = HTTPClient(connectTimeout: min(5, timeout), totalTimeout: timeout)
    }

    // MARK: - Requests

    /// Sends one JSON request to `path` (under `/api/2.0/mlflow/`) and returns the decoded
    /// JSON object of the answer.
    @discardableResult
    public func call(_ method: String, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil) throws -> [String: Any] {
        var url = baseURI + "/api/2.0/mlflow/" + path
        if !query.isEmpty {
            url += "?" + query.sorted { $0.key < $1.key }.map { "\(Self.escape($0.key))=\(Self.escape($0.value))" }.joined(separator: "&")
        }
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        let reply: HTTPClient.Reply
        let started = DispatchTime.now().uptimeNanoseconds
        defer { counters.add(seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
        do {
            reply = try httpClient.send(method: method, url: url, headers: [("Content-Type", "application/json")], body: data)
        } catch let failure as HTTPClient.Failure {
            throw MLflowError.unavailable("\(method) \(url): \(failure)")
        }
        return try Self.decode(reply, what: "\(method) \(path)")
    }

    /// Decodes an answer: a JSON object for 2xx, else the matching `MLflowError`.
    static func decode(_ reply: HTTPClient.Reply, what: String) throws -> [String: Any] {
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any]
        if (200..<300).contains(reply.status) {
            return object ?? [:]
        }
        let text = String(decoding: reply.body.prefix(300), as: UTF8.self)
        if reply.status >= 500 || reply.status == 429 || reply.status == 408 {
            throw MLflowError.unavailable("\(what): HTTP \(reply.status) \(text)")
        }
        throw MLflowError.rejected(status: reply.status, code: object?["error_code"] as? String ?? "",
                                   message: object?["message"] as? String ?? text)
    }

    /// Percent-encodes a query component.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    // MARK: - Experiments

    /// The id of the experiment called `name`, creating it when it does not exist.
    public func experimentID(named name: String) throws -> String {
        if let id = try findExperiment(named: name) { return id }
        do {
            let created = try call("POST", "experiments/create", body: ["name": name])
            if let id = created["experiment_id"] as? String { return id }
        } catch MLflowError.rejected(_, "RESOURCE_ALREADY_EXISTS", _) {
            // Another client created it between the lookup and the create.
        }
        guard let id = try findExperiment(named: name) else {
            throw MLflowError.unavailable("experiment \(name) was created but cannot be found")
        }
        return id
    }

    /// The id of the experiment called `name`, or nil when there is none.
    public func findExperiment(named name: String) throws -> String? {
        do {
            let answer = try call("GET", "experiments/get-by-name", query: ["experiment_name": name])
            return (answer["experiment"] as? [String: Any])?["experiment_id"] as? String
        } catch MLflowError.rejected(_, "RESOURCE_DOES_NOT_EXIST", _) {
            return nil
        }
    }

    // MARK: - Runs

    /// The runs of `experimentIDs` matching MLflow's search `filter` (all pages), each as
    /// MLflow's JSON `run` object.
    public func searchRuns(experimentIDs: [String], filter: String = "", maxResults: Int = 1000) throws -> [[String: Any]] {
        var runs: [[String: Any]] = []
        var token: String?
        repeat {
            var body: [String: Any] = ["experiment_ids": experimentIDs, "filter": filter, "max_results": maxResults]
            if let token { body["page_token"] = token }
            let answer = try call("POST", "runs/search", body: body)
            runs += answer["runs"] as? [[String: Any]] ?? []
            token = answer["next_page_token"] as? String
            if token?.isEmpty == true { token = nil }
        } while token != nil
        return runs
    }

    /// The id of the run in `experimentID` whose tag `key` is `value`, or nil.
    public func findRun(experimentID: String, tag key: String, value: String) throws -> String? {
        let runs = try searchRuns(experimentIDs: [experimentID], filter: "tags.`\(key)` = '\(value)'", maxResults: 10)
        let ids = runs.compactMap { ($0["info"] as? [String: Any])?["run_id"] as? String }
        return ids.sorted().first
    }

    /// Creates a run and returns its id.
    public func createRun(experimentID: String, name: String, startMillis: Int64, tags: [String: String]) throws -> String {
        let answer = try call("POST", "runs/create", body: [
            "experiment_id": experimentID, "run_name": name, "start_time": startMillis,
            "tags": tags.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] },
        ])
        guard let id = ((answer["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String else {
            throw MLflowError.unavailable("runs/create answered without a run id")
        }
        return id
    }

    /// Logs metrics, params and tags to a run in as many `log-batch` requests as MLflow's
    /// limits need. Metrics are sent in the given order. Re-sending a metric with the same
    /// key, value, timestamp and step adds nothing (MLflow's store drops the duplicate).
    public func logBatch(runID: String, metrics: [MLflowMetric] = [], params: [String: String] = [:], tags: [String: String] = [:]) throws {
        let paramList = params.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] }
        let tagList = tags.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] }
        var m = 0, p = 0, t = 0
        repeat {
            let metricSlice = metrics[m..<min(m + Self.batchLimits.metrics, metrics.count)]
            let paramSlice = paramList[p..<min(p + Self.batchLimits.params, paramList.count)]
            let tagSlice = tagList[t..<min(t + Self.batchLimits.tags, tagList.count)]
            if metricSlice.isEmpty && paramSlice.isEmpty && tagSlice.isEmpty { break }
            try call("POST", "runs/log-batch", body: [
                "run_id": runID,
                "metrics": metricSlice.map { ["key": $0.key, "value": $0.value, "timestamp": $0.timestampMillis, "step": $0.step] as [String: Any] },
                "params": Array(paramSlice), "tags": Array(tagSlice),
            ])
            m += metricSlice.count
            p += paramSlice.count
            t += tagSlice.count
        } while true
    }

    /// Sets a run's status (`RUNNING`, `FINISHED`, `FAILED`, `KILLED`) and end time.
    public func updateRun(runID: String, status: String, endMillis: Int64?) throws {
        var body: [String: Any] = ["run_id": runID, "status": status]
        if let endMillis { body["end_time"] = endMillis }
        try call("POST", "runs/update", body: body)
    }

    /// MLflow's JSON `run` object of a run.
    public func run(id: String) throws -> [String: Any] {
        let answer = try call("GET", "runs/get", query: ["run_id": id])
        return answer["run"] as? [String: Any] ?? [:]
    }

    /// Every value logged for metric `key` of a run, in MLflow's order.
    public func metricHistory(runID: String, key: String) throws -> [MLflowMetric] {
        let answer = try call("GET", "metrics/get-history", query: ["run_id": runID, "metric_key": key, "max_results": "25000"])
        return (answer["metrics"] as? [[String: Any]] ?? []).map {
            MLflowMetric(key: $0["key"] as? String ?? key, value: Self.number($0["value"]) ?? .nan,
                         timestampMillis: Int64(Self.number($0["timestamp"]) ?? 0), step: Int64(Self.number($0["step"]) ?? 0))
        }
    }

    /// A JSON number (or a numeric string, as MLflow sends int64 fields) as a Double.
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let n as NSNumber: return n.doubleValue
        case let s as String: return Double(s)
        default: return nil
        }
    }
}

/// A request count and the time the requests took, shared by the threads of one client.
final class RequestCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var seconds = 0.0

    func add(seconds more: Double) {
        lock.withLock {
            count += 1
            seconds += more
        }
    }

    func read() -> (count: Int, seconds: Double) { lock.withLock { (count, seconds) } }
}

/// One metric value of a run: MLflow's `Metric` (key, value, timestamp in ms, step).
public struct MLflowMetric: Equatable, Sendable {
    /// The metric's name.
    public var key: String
    /// Its value.
    public var value: Double
    /// When it was measured, in milliseconds since 1970.
    public var timestampMillis: Int64
    /// The step (rung logs the epoch).
    public var step: Int64

    /// A metric value with every field given.
    public init(key: String, value: Double, timestampMillis: Int64, step: Int64) {
        self.key = key
        self.value = value
        self.timestampMillis = timestampMillis
        self.step = step
    }
}
