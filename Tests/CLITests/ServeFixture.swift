import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RungCore
import RungBlob
import RungStore
import RungArtifacts
import XCTest

/// Synthetic raw data with every kind of column a recipe knows (numeric with a missing
/// marker, categorical, ordinal, a dropped column, an id and a target), two small xgboost
/// models trained on it with `rung train --save` (the real XGBoost), registered as
/// xgboost@1 (production) and xgboost@2 (staging) in a fresh store, and a running
/// `rung serve` process.
enum ServeFixture {
    /// The source CSV's header.
    static let header = ["id", "amount", "score", "colour", "size", "notes", "outcome"]

    /// Row `i` of the source CSV (rows past `shiftFrom` have `amount` shifted, for drift).
    static func row(_ i: Int, shiftFrom: Int = .max) -> [String] {
        let amount = i % 23 == 0 ? "?" : String(format: "%.2f", Double((i * 37) % 101) / 10 + (i >= shiftFrom ? 6 : 0))
        let score = String((i * 13) % 17 - 8)
        let colour = ["red", "blue", "green"][(i * 7) % 3]
        let size = ["small", "medium", "large"][(i / 3) % 3]
        let positive = ((i * 37) % 101 > 50 ? 1 : 0) + (colour == "red" ? 1 : 0) + (size == "large" ? 1 : 0) + (i % 5 == 0 ? 1 : 0) >= 2
        return [String(i), amount, score, colour, size, "note \(i)", positive ? "yes" : "no"]
    }

    /// Writes the source CSV (`rows` rows) and its recipe into `dir`, prepares it, and returns
    /// (raw CSV, recipe, prepared directory).
    static func prepare(in dir: URL, rows: Int = 600, shiftFrom: Int = .max, futureBatches: Int = 0) throws -> (URL, URL, URL) {
        var csv = header.joined(separator: ",") + "\n"
        for i in 0..<rows { csv += row(i, shiftFrom: shiftFrom).joined(separator: ",") + "\n" }
        let raw = dir.appendingPathComponent("raw.csv")
        try csv.write(to: raw, atomically: true, encoding: .utf8)
        let recipe = dir.appendingPathComponent("recipe.yaml")
        try """
        name: serve-synthetic
        csv:
          missing: ["?"]
        drop_columns: [notes]
        target: {name: y, from: outcome, negative: ["no"]}
        ordinal:
          size: [small, medium, large]
        id_columns: [id]
        split: {initial_fraction: \(futureBatches > 0 ? "0.5" : "1.0"), train: 0.6, validation: 0.2, future_batches: \(futureBatches)}
        """.write(to: recipe, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("data")
        let r = try RungProcess.run(["data", "prepare", "--source", raw.path, "--recipe", recipe.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (raw, recipe, out)
    }

    /// Trains an xgboost model with `params` on `data` into `directory`; returns its test metrics.
    static func train(_ params: String, data: URL, into directory: URL) throws -> (metrics: [String: Double], dataVersion: String) {
        let train = try RungProcess.run(["train", "--family", "xgboost", "--params", params, "--data", data.path,
                                         "--epochs", "8", "--save", directory.path, "--json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any])
        let metrics = try XCTUnwrap(report["test"] as? [String: Double])
        return (metrics, try XCTUnwrap(report["data_version"] as? String))
    }

    /// Registers the model in `directory` as the family's next version (production only when
    /// there is none yet).
    @discardableResult
    static func register(_ directory: URL, fixture: StoreFixture, metrics: [String: Double], dataVersion: String,
                         params: String) throws -> ModelVersion {
        let store = try fixture.open()
        defer { store.close() }
        let registry = Registry(store: store, blobs: try openBlobStore(uri: fixture.artifacts.path))
        let metadata = ModelMetadata(family: "xgboost", params: try ModelMetadata.params(fromJSON: params), seed: 42,
                                     metrics: metrics, dataVersion: dataVersion)
        return try registry.register(family: "xgboost", sourceDirectory: directory, metadata: metadata,
                                     policy: PromotionPolicy(metric: "test_auc", minImprovement: 1.0))
    }

    /// Makes `version` production.
    static func promote(_ version: Int, fixture: StoreFixture) throws {
        let store = try fixture.open()
        defer { store.close() }
        try Registry(store: store, blobs: try openBlobStore(uri: fixture.artifacts.path)).promote(family: "xgboost", version: version)
    }
}

/// A `rung serve` child process and its base URL, stopped by `stop()` (or at teardown).
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let base: URL
    private let stderrData = LockedData()

    /// Starts `rung serve ARGS --listen 127.0.0.1:0` and waits (≤ 60 s) for its listening line.
    init(_ args: [String], test: XCTestCase) throws {
        let process = self.process
        let stderrData = self.stderrData
        process.executableURL = RungProcess.executable
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + args
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdoutData = LockedData()
        out.fileHandleForReading.readabilityHandler = { h in stdoutData.append(h.availableData) }
        err.fileHandleForReading.readabilityHandler = { h in stderrData.append(h.availableData) }
        try process.run()
        var found: URL?
        waitUntil("rung serve prints its address", timeout: 60) {
            let text = String(decoding: stdoutData.get(), as: UTF8.self)
            if let range = text.range(of: "listening on "), let end = text[range.upperBound...].firstIndex(of: " ") {
                found = URL(string: String(text[range.upperBound..<end]))
                return true
            }
            return !process.isRunning
        }
        guard let found else {
            if process.isRunning { process.terminate(); process.waitUntilExit() }
            throw ServeStartFailure(stderr: String(decoding: stderrData.get(), as: UTF8.self))
        }
        base = found
        test.addTeardownBlock { [self] in stop() }
    }

    /// What the server wrote to standard error so far.
    var stderr: String { String(decoding: stderrData.get(), as: UTF8.self) }

    /// Sends SIGTERM and waits for the exit.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// `rung serve` exited before listening.
struct ServeStartFailure: Error, CustomStringConvertible {
    var stderr: String
    var description: String { "rung serve did not start: \(stderr)" }
}

/// A blocking HTTP client over URLSession (FoundationNetworking on Linux).
enum HTTP {
    /// One answer.
    struct Answer {
        var status: Int
        var contentType: String
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        func object() throws -> [String: Any] { try XCTUnwrap(try json() as? [String: Any], text) }
    }

    /// `method url` with an optional body; waits up to 30 s.
    static func request(_ method: String, _ url: URL, body: Data? = nil) throws -> Answer {
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        let box = AnswerBox()
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data, response as? HTTPURLResponse, error)
            done.signal()
        }.resume()
        done.wait()
        let (data, response, error) = box.get()
        if let error { throw error }
        let http = try XCTUnwrap(response)
        return Answer(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "", body: data ?? Data())
    }

    static func get(_ base: URL, _ path: String) throws -> Answer {
        try request("GET", URL(string: path, relativeTo: base)!)
    }

    static func post(_ base: URL, _ path: String, _ body: String) throws -> Answer {
        try request("POST", URL(string: path, relativeTo: base)!, body: Data(body.utf8))
    }
}

/// The result of a data task, handed from URLSession's queue to the waiting test.
final class AnswerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Data?, HTTPURLResponse?, (any Error)?) = (nil, nil, nil)
    func set(_ d: Data?, _ r: HTTPURLResponse?, _ e: (any Error)?) { lock.withLock { value = (d, r, e) } }
    func get() -> (Data?, HTTPURLResponse?, (any Error)?) { lock.withLock { value } }
}
