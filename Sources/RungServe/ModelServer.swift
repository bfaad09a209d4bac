import Foundation
import Hummingbird
import RungCore
import RungData

/// `rung serve`: the model a `ModelWatcher` holds, behind Hummingbird 2 routes —
/// `POST /predict`, `GET /healthz`, `/readyz`, `/model`, `/metrics`, `/openapi.json`.
/// Scoring happens in the request's task; the prediction log is written by its own queue.
public final class ModelServer: Sendable {
    /// The options it runs with.
    public let options: ServeOptions
    /// The model holder (polled by its own thread while the server runs).
    public let watcher: ModelWatcher
    /// The metrics registry.
    public let metrics: ServeMetrics
    /// The prediction log, if any.
    public let log: PredictionLog?
    private let version: String

    /// Creates a server; `version` is rung's, shown in the OpenAPI document.
    public init(options: ServeOptions, watcher: ModelWatcher, metrics: ServeMetrics, log: PredictionLog?, version: String) {
        self.options = options
        self.watcher = watcher
        self.metrics = metrics
        self.log = log
        self.version = version
    }

    /// Runs until SIGINT or SIGTERM; `onListening` gets the bound port once the socket listens.
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router()
        router.post("/predict") { request, _ in await self.timed("/predict") { try await self.predict(request) } }
        router.get("/healthz") { _, _ in await self.timed("/healthz") { self.health() } }
        router.get("/readyz") { _, _ in await self.timed("/readyz") { self.ready() } }
        router.get("/model") { _, _ in await self.timed("/model") { try self.modelInfo() } }
        router.get("/metrics") { _, _ in
            await self.timed("/metrics") {
                if let log = self.log { self.metrics.logDropped(log.dropped) }
                return Self.response(200, self.metrics.text(), contentType: "text/plain; version=0.0.4; charset=utf-8")
            }
        }
        router.get("/openapi.json") { _, _ in await self.timed("/openapi.json") { Self.response(200, OpenAPIDocument.json(version: self.version)) } }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "rung"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) })
        try await app.runService()
    }

    /// Runs `body`, turning a `RequestProblem` into its JSON answer, and records the metrics.
    func timed(_ route: String, _ body: () async throws -> Response) async -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await body()
        } catch let problem as RequestProblem {
            metrics.error(kind: problem.kind)
            response = Self.response(problem.status, problem.jsonBody)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            let problem = RequestProblem(status: 413, kind: "too_large", message: "the body is larger than \(options.maxBodyBytes) bytes (--max-body-bytes)")
            metrics.error(kind: problem.kind)
            response = Self.response(413, problem.jsonBody)
        } catch {
            let problem = RequestProblem(status: 500, kind: "internal", message: "\((error as? RungError)?.message ?? "\(error)")")
            metrics.error(kind: problem.kind)
            response = Self.response(500, problem.jsonBody)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        metrics.request(route: route, status: Int(response.status.code), seconds: seconds)
        return response
    }

    static func response(_ status: Int, _ bytes: [UInt8], contentType: String = "application/json") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func health() -> Response {
        Self.response(200, Array(#"{"status":"ok"}"#.utf8))
    }

    func ready() -> Response {
        var out = JSONText()
        if let model = watcher.model {
            out.raw(#"{"status":"ready","model":"#)
            out.string(model.name)
            out.raw("}")
            return Self.response(200, out.bytes)
        }
        out.raw(#"{"status":"not ready","message":"#)
        out.string(watcher.lastFailure ?? "no model is loaded yet")
        out.raw("}")
        return Self.response(503, out.bytes)
    }

    func currentModel() throws -> ServedModel {
        guard let model = watcher.model else {
            throw RequestProblem(status: 503, kind: "not_ready",
                                 message: "no model is loaded yet" + (watcher.lastFailure.map { ": \($0)" } ?? ""))
        }
        return model
    }

    func modelInfo() throws -> Response {
        let model = try currentModel()
        let m = model.metadata
        var doc: [String: Any] = [
            "family": model.version.family, "version": model.version.version, "stage": model.version.stage.rawValue,
            "reference": watcher.source.reference.description,
            "params": (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(m.params))) ?? [:],
            "metrics": m.metrics, "data_version": m.dataVersion,
            "created_at": ISO8601DateFormatter().string(from: m.createdAt),
            "loaded_at": ISO8601DateFormatter().string(from: model.loadedAt),
            "feature_columns": model.requiredColumns,
        ]
        if let s = m.sweepID { doc["sweep_id"] = s }
        if let t = m.trialID { doc["trial_id"] = t }
        let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
        return Self.response(200, Array(data))
    }

    func predict(_ request: Request) async throws -> Response {
        var explain = 0
        if let text = request.uri.queryParameters.get("explain") {
            guard let k = Int(text), k >= 0 else {
                throw RequestProblem(status: 400, kind: "bad_parameter", message: "explain must be a whole number ≥ 0, not `\(text)`", field: "explain")
            }
            explain = min(k, options.maxExplain)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > options.maxBodyBytes {
            throw RequestProblem(status: 413, kind: "too_large", message: "the body is \(length) bytes, more than \(options.maxBodyBytes) (--max-body-bytes)")
        }
        let started = ContinuousClock.now
        let buffer = try await request.body.collect(upTo: options.maxBodyBytes)
        let rows = try RequestRows(parsing: Array(buffer.readableBytesView))
        let parsed = ContinuousClock.now
        guard rows.rows.count <= options.maxRows else {
            throw RequestProblem(status: 413, kind: "too_large", message: "\(rows.rows.count) rows in one request, more than \(options.maxRows) (--max-rows)")
        }
        let model = try currentModel()
        if rows.rows.isEmpty { return Self.response(200, Array("[]".utf8)) }
        let scores = try model.score(rows, explain: explain)
        metrics.scored(rows: rows.rows.count, family: model.version.family, version: model.version.version)
        let ids = model.preprocessor.idColumns
        var out = JSONText()
        if !rows.single { out.raw("[") }
        for (r, p) in scores.probabilities.enumerated() {
            if r > 0 { out.raw(",") }
            out.raw(#"{"probability":"#)
            out.number(p)
            out.raw(#","label":\#(p > options.threshold ? 1 : 0),"family":"#)
            out.string(model.version.family)
            out.raw(#","version":\#(model.version.version)"#)
            let rowIDs = rows.rows[r].filter { ids.contains($0.name) }
            if !rowIDs.isEmpty {
                out.raw(#","ids":{"#)
                for (k, member) in rowIDs.enumerated() {
                    if k > 0 { out.raw(",") }
                    out.string(member.name)
                    out.raw(":")
                    out.value(member.value)
                }
                out.raw("}")
            }
            if let c = scores.contributions {
                out.raw(#","explanation":["#)
                for (k, item) in c.top(explain, row: r).enumerated() {
                    if k > 0 { out.raw(",") }
                    out.raw(#"{"column":"#)
                    out.string(item.column)
                    out.raw(#","contribution":"#)
                    out.number(item.contribution)
                    out.raw("}")
                }
                out.raw(#"],"bias":"#)
                out.number(c.bias[r])
            }
            out.raw("}")
        }
        if !rows.single { out.raw("]") }
        if let log { log.append(Self.logLines(rows, scores.probabilities, model: model)) }
        metrics.phase("read", seconds: ServedModel.seconds(parsed - started))
        metrics.phase("clean", seconds: scores.cleanSeconds)
        metrics.phase("model", seconds: scores.predictSeconds)
        metrics.phase("answer", seconds: max(0, ServedModel.seconds(ContinuousClock.now - parsed) - scores.cleanSeconds - scores.predictSeconds))
        return Self.response(200, out.bytes)
    }

    /// One JSON line per row: `{"time", "family", "version", "inputs", "probability"}`.
    static func logLines(_ rows: RequestRows, _ probabilities: [Double], model: ServedModel) -> [[UInt8]] {
        let time = UTCTimestamp.seconds(Date())
        return rows.rows.enumerated().map { r, row in
            var out = JSONText()
            out.raw(#"{"time":"\#(time)","family":"#)
            out.string(model.version.family)
            out.raw(#","version":\#(model.version.version),"inputs":{"#)
            for (k, member) in row.enumerated() {
                if k > 0 { out.raw(",") }
                out.string(member.name)
                out.raw(":")
                out.value(member.value)
            }
            out.raw(#"},"probability":"#)
            out.number(probabilities[r])
            out.raw("}\n")
            return out.bytes
        }
    }
}
