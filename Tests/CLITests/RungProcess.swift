import Foundation
import XCTest

/// Runs the built `rung` executable as a user would, capturing its output and status.
struct RungProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root, derived from this file's location.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `rung` binary next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        let bundle = Bundle.main.bundleURL
        for dir in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("rung")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/rung")
    }

    /// Directories holding `diabetes/diabetic_data.csv`: `RUNG_DATASETS`, else ../shared/data.
    static var datasetsPath: String {
        ProcessInfo.processInfo.environment["RUNG_DATASETS"]
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }

    /// The real dataset file, or a test failure saying where it was looked for.
    static func diabetesCSV(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        for dir in datasetsPath.split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent("diabetes/diabetic_data.csv")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        XCTFail("diabetes/diabetic_data.csv not found under RUNG_DATASETS=\(datasetsPath)", file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }

    /// Runs `rung args…` in `directory` with extra environment, waiting for it to exit.
    static func run(_ args: [String], in directory: URL? = nil, environment extra: [String: String] = [:],
                    stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = args
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["RUNG_DATASETS"] = datasetsPath
        env["NO_COLOR"] = "1"
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = LockedData()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// A fresh temporary directory, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rung-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// A `Data` box that one thread writes and another reads after a `DispatchGroup` wait.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func append(_ d: Data) { lock.lock(); data.append(d); lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

extension RungProcess {
    /// A small prepared dataset (synthetic rows, never the real one).
    static func syntheticPreparedData(in dir: URL) throws -> URL {
        var csv = "id,x,colour,outcome\n"
        for i in 0..<200 { csv += "\(i),\(Double(i % 17) / 17),\(["red", "blue"][i % 2]),\(i % 3 == 0 ? "yes" : "no")\n" }
        try csv.write(to: dir.appendingPathComponent("rows.csv"), atomically: true, encoding: .utf8)
        try """
        name: synthetic
        id_columns: [id]
        target: {name: y, from: outcome, negative: ["no"]}
        split: {initial_fraction: 1.0, train: 0.6, validation: 0.2, future_batches: 0}
        """.write(to: dir.appendingPathComponent("recipe.yaml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("data")
        let r = try run(["data", "prepare", "--source", dir.appendingPathComponent("rows.csv").path,
                         "--recipe", dir.appendingPathComponent("recipe.yaml").path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }
}
