import Foundation
import XCTest

/// Small real sweeps for the report and progress tests: synthetic prepared data (made by
/// `rung data prepare` from a generated CSV, never the real dataset) and sweep configs
/// that `rung run` finishes in seconds.
struct ReportFixture {
    let directory: URL
    var db: String { "sqlite:" + directory.appendingPathComponent("rung.db").path }
    var artifacts: String { directory.appendingPathComponent("artifacts").path }

    init(_ test: XCTestCase) throws {
        directory = try RungProcess.temporaryDirectory(test)
    }

    /// Prepares 600 generated rows whose outcome depends noisily on two columns, so models
    /// learn something but not everything; returns the prepared-data directory.
    func preparedData(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        var csv = "id,x,z,colour,outcome\n"
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for i in 0..<600 {
            let x = uniform(), z = uniform(), colour = ["red", "blue", "green"][i % 3]
            let risk = 0.15 + 0.5 * x + (colour == "red" ? 0.2 : 0) - 0.15 * z
            csv += "\(i),\(String(format: "%.4f", x)),\(String(format: "%.4f", z)),\(colour),\(uniform() < risk ? "yes" : "no")\n"
        }
        try csv.write(to: directory.appendingPathComponent("rows.csv"), atomically: true, encoding: .utf8)
        try """
        name: synthetic
        id_columns: [id]
        target: {name: y, from: outcome, negative: ["no"]}
        split: {initial_fraction: 1.0, train: 0.6, validation: 0.2, future_batches: 0}
        """.write(to: directory.appendingPathComponent("recipe.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("data")
        let r = try RungProcess.run(["data", "prepare", "--source", directory.appendingPathComponent("rows.csv").path,
                                     "--recipe", directory.appendingPathComponent("recipe.yaml").path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return out
    }

    /// Writes a sweep config named `name` and returns its path.
    func config(_ name: String, _ yaml: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// `rung run CONFIG` in the fixture directory with its store and artifacts.
    func run(_ config: URL, workers: Int = 2, extra: [String] = []) throws -> RungProcess.Result {
        try RungProcess.run(["run", config.path, "--workers", "\(workers)", "--db", db, "--artifacts", artifacts] + extra,
                            in: directory)
    }

    /// Runs headless Chromium on `page`, writing a `width`×`height` screenshot to `png`.
    /// Fails the test (it does not skip) when Chromium is not installed.
    static func screenshot(_ page: URL, to png: URL, width: Int = 1280, height: Int = 2400,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        guard let chromium = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            XCTFail("headless Chromium is needed to look at the report (looked for \(candidates.joined(separator: ", "))); install it with scripts/install-deps --test", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        let profile = png.deletingLastPathComponent().appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=\(profile.path)", "--force-device-scale-factor=1",
                             "--screenshot=\(png.path)", "--window-size=\(width),\(height)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("Chromium did not finish the screenshot within 90 s", file: file, line: line)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: png.path), "Chromium wrote no screenshot (exit \(process.terminationStatus))", file: file, line: line)
    }

    /// How often `needle` occurs in `text`.
    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// The part of `html` from the family section of `family` to the next section.
    static func familySection(_ family: String, in html: String) -> String? {
        guard let start = html.range(of: "<section class=\"family\" data-family=\"\(family)\">") else { return nil }
        let rest = html[start.lowerBound...]
        let end = rest.range(of: "</section>")?.upperBound ?? rest.endIndex
        return String(rest[..<end])
    }
}
