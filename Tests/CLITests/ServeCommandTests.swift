import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// `rung serve` end to end: the real binary on loopback, a real HTTP client (URLSession),
/// models trained by the real XGBoost and registered in a real SQLite store.
final class ServeCommandTests: XCTestCase {
    /// Data prepared and two models trained once for the class.
    nonisolated(unsafe) private static var shared: (scratch: URL, raw: URL, data: URL, models: [(URL, [String: Double], String, String)])?

    override class func tearDown() {
        if let s = shared { try? FileManager.default.removeItem(at: s.scratch) }
        super.tearDown()
    }

    private func setUpData() throws -> (scratch: URL, raw: URL, data: URL, models: [(URL, [String: Double], String, String)]) {
        if let s = Self.shared { return s }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rung-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let (raw, _, data) = try ServeFixture.prepare(in: scratch)
        var models: [(URL, [String: Double], String, String)] = []
        for (i, params) in [#"{"max_depth": 3, "learning_rate": 0.3}"#, #"{"max_depth": 2, "learning_rate": 0.1}"#].enumerated() {
            let dir = scratch.appendingPathComponent("model\(i + 1)")
            let (metrics, version) = try ServeFixture.train(params, data: data, into: dir)
            models.append((dir, metrics, version, params))
        }
        Self.shared = (scratch, raw, data, models)
        return Self.shared!
    }

    /// A store with xgboost@1 (production) and xgboost@2 (staging), and a server on it.
    private func servedFixture(extra: [String] = []) throws -> (StoreFixture, ServeProcess, URL) {
        let shared = try setUpData()
        let fixture = try StoreFixture(self)
        for (dir, metrics, version, params) in shared.models {
            try ServeFixture.register(dir, fixture: fixture, metrics: metrics, dataVersion: version, params: params)
        }
        let log = fixture.directory.appendingPathComponent("serve/predictions.jsonl")
        let server = try ServeProcess(fixture.args(["--model", "xgboost@production", "--poll-interval", "0.2",
                                                     "--prediction-log", log.path] + extra), test: self)
        return (fixture, server, log)
    }

    /// The raw rows of the source CSV as JSON objects (numbers as numbers, `?` as null).
    private func jsonRows(_ range: Range<Int>) -> String {
        let rows = range.map { i -> String in
            let v = ServeFixture.row(i)
            let members = zip(ServeFixture.header, v).map { name, value -> String in
                if value == "?" { return "\"\(name)\": null" }
                if ["id", "amount", "score"].contains(name) { return "\"\(name)\": \(value)" }
                return "\"\(name)\": \"\(value)\""
            }
            return "{" + members.joined(separator: ", ") + "}"
        }
        return "[" + rows.joined(separator: ",\n") + "]"
    }

    /// `rung predict`'s probabilities for raw rows `range` with `model`.
    private func rungPredict(_ range: Range<Int>, model: String, fixture: StoreFixture, explain: Int = 0) throws -> [[String]] {
        var csv = ServeFixture.header.joined(separator: ",") + "\n"
        for i in range { csv += ServeFixture.row(i).joined(separator: ",") + "\n" }
        let input = fixture.directory.appendingPathComponent("input-\(UUID().uuidString).csv")
        try csv.write(to: input, atomically: true, encoding: .utf8)
        let r = try RungProcess.run(fixture.args(["predict", "--model", model, "--input", input.path] + (explain > 0 ? ["--explain", String(explain)] : [])))
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The `"probability":` numbers of an answer, parsed from its text with `Double(String)`
    /// (Foundation's JSON reader on Linux is not correctly rounded in the last digit).
    private func probabilities(_ answer: HTTP.Answer) -> [Double] {
        answer.text.components(separatedBy: #""probability":"#).dropFirst().compactMap { part in
            Double(String(part.prefix { "0123456789.eE+-".contains($0) }))
        }
    }

    func testPredictAnswersWithTheProbabilitiesOfRungPredict() throws {
        let (fixture, server, _) = try servedFixture()
        XCTAssertEqual(try HTTP.get(server.base, "/healthz").status, 200)
        let ready = try HTTP.get(server.base, "/readyz")
        XCTAssertEqual(ready.status, 200, ready.text)
        XCTAssertEqual(try ready.object()["model"] as? String, "xgboost@1")

        let answer = try HTTP.post(server.base, "/predict", jsonRows(0..<40))
        XCTAssertEqual(answer.status, 200, answer.text)
        XCTAssertTrue(answer.contentType.hasPrefix("application/json"), answer.contentType)
        let predictions = try XCTUnwrap(try answer.json() as? [[String: Any]])
        XCTAssertEqual(predictions.count, 40)
        let expected = try rungPredict(0..<40, model: "xgboost@production", fixture: fixture)
        XCTAssertEqual(expected.first, ["id", "probability", "label"])
        let exact = probabilities(answer)
        XCTAssertEqual(exact.count, 40)
        for (i, p) in predictions.enumerated() {
            XCTAssertEqual(exact[i], Double(expected[i + 1][1]), "row \(i)")
            XCTAssertEqual(p["label"] as? Int, Int(expected[i + 1][2]), "row \(i)")
            XCTAssertEqual(p["family"] as? String, "xgboost")
            XCTAssertEqual(p["version"] as? Int, 1)
            XCTAssertEqual((p["ids"] as? [String: Any])?["id"] as? Int, i)
        }
        // Not every row is the same: the model and the rows vary.
        XCTAssertGreaterThan(Set(predictions.compactMap { $0["probability"] as? Double }).count, 5)

        // One object in, one object out; a numeric value may come as a string, as in a CSV.
        let one = try HTTP.post(server.base, "/predict",
                                #"{"amount": "4.5", "score": -3, "colour": "red", "size": "large", "outcome": "yes"}"#)
        XCTAssertEqual(one.status, 200, one.text)
        XCTAssertNotNil(try one.object()["probability"] as? Double)

        let model = try HTTP.get(server.base, "/model").object()
        XCTAssertEqual(model["family"] as? String, "xgboost")
        XCTAssertEqual(model["version"] as? Int, 1)
        XCTAssertEqual(model["stage"] as? String, "production")
        XCTAssertEqual(model["params"] as? [String: Double], ["max_depth": 3, "learning_rate": 0.3])
        XCTAssertEqual((model["metrics"] as? [String: Double])?["test_auc"], try setUpData().models[0].1["test_auc"])
        XCTAssertEqual(model["data_version"] as? String, try setUpData().models[0].2)
        XCTAssertEqual(model["feature_columns"] as? [String], ["amount", "score", "size", "colour"])
    }

    func testBadInputGetsItsStatusAndNamesTheField() throws {
        let (_, server, _) = try servedFixture(extra: ["--max-body-bytes", "4096"])
        func problem(_ body: String, _ query: String = "") throws -> (Int, [String: Any]) {
            let a = try HTTP.post(server.base, "/predict" + query, body)
            let error = try XCTUnwrap(try a.object()["error"] as? [String: Any], a.text)
            XCTAssertEqual(error["status"] as? Int, a.status)
            return (a.status, error)
        }
        var (status, error) = try problem(#"{"amount": 1.5, "score": "#)
        XCTAssertEqual(status, 400)
        XCTAssertTrue((error["message"] as? String ?? "").contains("malformed JSON at byte"), "\(error)")

        (status, error) = try problem(#"[{"amount": 1.5, "score": 2, "colour": "red", "size": "small"}, {"amount": 1, "colour": "red", "size": "small"}]"#)
        XCTAssertEqual(status, 422)
        XCTAssertEqual(error["field"] as? String, "score")
        XCTAssertEqual(error["row"] as? Int, 1)
        XCTAssertEqual(error["kind"] as? String, "missing_field")

        (status, error) = try problem(#"[{"amount": 1.5, "score": 2, "colour": "red", "size": "small"}, {"amount": "lots", "score": 2, "colour": "red", "size": "small"}]"#)
        XCTAssertEqual(status, 422)
        XCTAssertEqual(error["field"] as? String, "amount")
        XCTAssertEqual(error["row"] as? Int, 1)
        XCTAssertTrue((error["message"] as? String ?? "").contains("`lots` is not a number"), "\(error)")

        (status, error) = try problem(#"{"amount": 1.5, "score": 2, "colour": "red", "size": "huge"}"#)
        XCTAssertEqual(status, 422)
        XCTAssertEqual(error["field"] as? String, "size")
        XCTAssertTrue((error["message"] as? String ?? "").contains("`huge` is not one of the ordinal labels of `size`"), "\(error)")

        (status, error) = try problem(#"{"amount": [1], "score": 2, "colour": "red", "size": "small"}"#)
        XCTAssertEqual(status, 422)
        XCTAssertEqual(error["field"] as? String, "amount")

        (status, error) = try problem("[" + String(repeating: #"{"amount": 1.5, "score": 2, "colour": "red", "size": "small"},"#, count: 100) + "{}]")
        XCTAssertEqual(status, 413)
        XCTAssertEqual(error["kind"] as? String, "too_large")

        (status, error) = try problem(#"{"amount": 1.5, "score": 2, "colour": "red", "size": "small"}"#, "?explain=many")
        XCTAssertEqual(status, 400)
        XCTAssertEqual(error["field"] as? String, "explain")

        // The server is still there and answers good requests.
        let good = try HTTP.post(server.base, "/predict", #"{"amount": 1.5, "score": 2, "colour": "red", "size": "small"}"#)
        XCTAssertEqual(good.status, 200, good.text)
        let metrics = try HTTP.get(server.base, "/metrics").text
        for line in [#"rung_serve_errors_total{kind="missing_field"} 1"#, #"rung_serve_errors_total{kind="too_large"} 1"#,
                     #"rung_serve_errors_total{kind="bad_json"} 1"#] {
            XCTAssertTrue(metrics.contains(line), "\(line) in\n\(metrics)")
        }
    }

    func testPromotingAVersionSwitchesTheServerAndABrokenVersionKeepsTheOld() throws {
        let (fixture, server, _) = try servedFixture()
        let rows = jsonRows(0..<20)
        let before = try XCTUnwrap(try HTTP.post(server.base, "/predict", rows).json() as? [[String: Any]])
        XCTAssertEqual(before.first?["version"] as? Int, 1)

        try ServeFixture.promote(2, fixture: fixture)
        waitUntil("the server serves xgboost@2", timeout: 30, detail: server.stderr) {
            ((try? HTTP.get(server.base, "/model").object())?["version"] as? Int) == 2
        }
        let afterAnswer = try HTTP.post(server.base, "/predict", rows)
        let after = try XCTUnwrap(try afterAnswer.json() as? [[String: Any]])
        let expected = try rungPredict(0..<20, model: "xgboost@2", fixture: fixture)
        let exact = probabilities(afterAnswer)
        for (i, p) in after.enumerated() {
            XCTAssertEqual(p["version"] as? Int, 2)
            XCTAssertEqual(exact[i], Double(expected[i + 1][1]), "row \(i)")
        }
        XCTAssertNotEqual(after.map { $0["probability"] as? Double }, before.map { $0["probability"] as? Double })

        // A version whose model file is not a model: registered, promoted, refused by the server.
        let broken = fixture.directory.appendingPathComponent("broken")
        try FileManager.default.copyItem(at: try setUpData().models[0].0, to: broken)
        try Data("{not a model".utf8).write(to: broken.appendingPathComponent("model.json"))
        let shared = try setUpData()
        let v3 = try ServeFixture.register(broken, fixture: fixture, metrics: shared.models[0].1, dataVersion: shared.models[0].2,
                                           params: shared.models[0].3)
        XCTAssertEqual(v3.version, 3)
        try ServeFixture.promote(3, fixture: fixture)
        waitUntil("the server reports that xgboost@3 failed to load", timeout: 30, detail: server.stderr) {
            server.stderr.contains("cannot load xgboost@3")
        }
        XCTAssertTrue(server.stderr.contains("still serving xgboost@2"), server.stderr)
        let still = try HTTP.post(server.base, "/predict", rows)
        XCTAssertEqual(still.status, 200, still.text)
        XCTAssertEqual((try still.json() as? [[String: Any]])?.first?["version"] as? Int, 2)
        let metrics = try HTTP.get(server.base, "/metrics").text
        XCTAssertTrue(metrics.contains(#"rung_serve_reloads_total{result="failed"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"rung_serve_model_info{family="xgboost",version="2",stage="production"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"rung_serve_model_info{family="xgboost",version="1",stage="production"} 0"#), metrics)
        XCTAssertTrue(metrics.contains(#"rung_serve_rows_scored_total{family="xgboost",version="2"} 40"#), metrics)
    }

    func testThePredictionLogHoldsOneLinePerRowAndRotatesBySize() throws {
        let (_, server, log) = try servedFixture(extra: ["--log-max-bytes", "4096", "--log-keep", "2"])
        for start in stride(from: 0, to: 200, by: 40) {
            XCTAssertEqual(try HTTP.post(server.base, "/predict", jsonRows(start..<(start + 40))).status, 200)
        }
        let rotated = URL(fileURLWithPath: log.path + ".1"), older = URL(fileURLWithPath: log.path + ".2")
        waitUntil("the log is rotated twice", timeout: 30) {
            FileManager.default.fileExists(atPath: older.path)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: log.path + ".3"), "--log-keep 2 keeps two old files")
        // The current file exists again only once a row is written after the last rotation.
        for file in [log, rotated, older] where file == rotated || file == older || FileManager.default.fileExists(atPath: file.path) {
            let data = try Data(contentsOf: file)
            XCTAssertLessThanOrEqual(data.count, 4096, file.lastPathComponent)
        }
        let lines = try String(contentsOf: rotated, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 5)
        for line in lines {
            let entry = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(entry["family"] as? String, "xgboost")
            XCTAssertEqual(entry["version"] as? Int, 1)
            XCTAssertNotNil(entry["probability"] as? Double)
            XCTAssertNotNil(entry["time"] as? String)
            let inputs = try XCTUnwrap(entry["inputs"] as? [String: Any])
            XCTAssertNotNil(inputs["colour"] as? String)
        }
    }

    func testTheOpenAPIDocumentDescribesTheRealAnswers() throws {
        let (_, server, _) = try servedFixture()
        let doc = try HTTP.get(server.base, "/openapi.json").object()
        XCTAssertEqual(doc["openapi"] as? String, "3.0.3")
        let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
        let schemas = try XCTUnwrap((doc["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        XCTAssertEqual(Set(paths.keys), ["/predict", "/healthz", "/readyz", "/model", "/metrics", "/openapi.json"])

        /// Checks `value` against a schema: type, required properties, referenced schemas, oneOf.
        func check(_ value: Any, _ schema: [String: Any], _ at: String) {
            if let ref = schema["$ref"] as? String {
                return check(value, schemas[String(ref.split(separator: "/").last!)] ?? [:], at)
            }
            if let options = schema["oneOf"] as? [[String: Any]] {
                let fits = options.contains { option in
                    if option["type"] as? String == "array" { return value is [Any] }
                    return !(value is [Any])
                }
                XCTAssertTrue(fits, "\(at): \(value) fits none of \(options)")
                if let option = options.first(where: { ($0["type"] as? String == "array") == (value is [Any]) }) { check(value, option, at) }
                return
            }
            switch schema["type"] as? String {
            case "object":
                guard let object = value as? [String: Any] else { return XCTFail("\(at): \(value) is not an object") }
                for key in schema["required"] as? [String] ?? [] { XCTAssertNotNil(object[key], "\(at) lacks \(key)") }
                for (key, sub) in schema["properties"] as? [String: [String: Any]] ?? [:] {
                    if let v = object[key] { check(v, sub, "\(at).\(key)") }
                }
            case "array":
                guard let array = value as? [Any] else { return XCTFail("\(at): \(value) is not an array") }
                for (i, v) in array.enumerated() { check(v, schema["items"] as? [String: Any] ?? [:], "\(at)[\(i)]") }
            case "string": XCTAssertTrue(value is String, "\(at): \(value) is not a string")
            case "integer": XCTAssertTrue(value is Int, "\(at): \(value) is not an integer")
            case "number": XCTAssertTrue(value is Double || value is Int, "\(at): \(value) is not a number")
            default: break
            }
        }
        let good = #"{"amount": 1.5, "score": 2, "colour": "red", "size": "small"}"#
        let requests: [(String, String, String?, String)] = [
            ("/predict", "post", jsonRows(0..<3), "200"), ("/predict?explain=2", "post", good, "200"),
            ("/predict", "post", "{", "400"), ("/predict", "post", #"{"amount": 1}"#, "422"),
            ("/predict", "post", "[" + String(repeating: good + ",", count: 30000) + good + "]", "413"),
            ("/healthz", "get", nil, "200"), ("/readyz", "get", nil, "200"), ("/model", "get", nil, "200"),
            ("/metrics", "get", nil, "200"), ("/openapi.json", "get", nil, "200"),
        ]
        for (path, method, body, status) in requests {
            let answer = try HTTP.request(method.uppercased(), URL(string: path, relativeTo: server.base)!, body: body.map { Data($0.utf8) })
            XCTAssertEqual(String(answer.status), status, "\(method) \(path): \(answer.text.prefix(300))")
            let route = String(path.split(separator: "?").first!)
            let documented = try XCTUnwrap(((paths[route]?[method] as? [String: Any])?["responses"] as? [String: Any])?[status] as? [String: Any],
                                           "\(method) \(route) \(status) is not documented")
            let content = try XCTUnwrap(documented["content"] as? [String: [String: Any]])
            let mediaType = try XCTUnwrap(content.keys.first)
            XCTAssertTrue(answer.contentType.hasPrefix(mediaType), "\(path): \(answer.contentType) vs \(mediaType)")
            if mediaType == "application/json" {
                check(try answer.json(), content[mediaType]?["schema"] as? [String: Any] ?? [:], "\(method) \(path) \(status)")
            }
        }
    }

    func testSlowClientsDoNotHoldUpOthers() throws {
        let (_, server, _) = try servedFixture()
        let port = try XCTUnwrap(server.base.port)
        // Twenty clients that send headers and a tenth of their body, then nothing.
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        for _ in 0..<20 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
            let connected = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            XCTAssertEqual(connected, 0)
            sockets.append(fd)
            let partial = "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"amount\": 1"
            XCTAssertEqual(partial.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }, partial.utf8.count)
        }
        // Everyone else is answered as usual meanwhile.
        for _ in 0..<5 {
            let answer = try HTTP.post(server.base, "/predict", #"{"amount": 1.5, "score": 2, "colour": "red", "size": "small"}"#)
            XCTAssertEqual(answer.status, 200, answer.text)
        }
        XCTAssertEqual(try HTTP.get(server.base, "/healthz").status, 200)
    }
}

