import Foundation
import XCTest

/// `rung data prepare` promises that a failure leaves nothing behind; a stop signal is a
/// failure too (issue 11). The source is a FIFO, so the command is reliably in the middle
/// of its work (its staging directory exists, it waits for input) when the signal lands.
final class DataPrepareSignalTests: XCTestCase {
    private func stopMidPrepare(with sig: Int32) throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let fifo = dir.appendingPathComponent("source.csv")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let recipe = dir.appendingPathComponent("r.yaml")
        try Data("name: r\ntarget: {from: y, positive: [\"1\"]}\n".utf8).write(to: recipe)
        let process = Process()
        process.executableURL = RungProcess.executable
        process.arguments = ["data", "prepare", "--source", fifo.path, "--recipe", recipe.path, "--out", dir.appendingPathComponent("out").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func staging() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix(".out.tmp-") }
        }
        waitUntil("the staging directory exists", timeout: 60) { !staging().isEmpty }
        kill(process.processIdentifier, sig)
        waitUntil("rung exits", timeout: 30) { !process.isRunning }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 128 + sig)
        XCTAssertEqual(staging(), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    func testSIGINTRemovesTheStagingDirectory() throws { try stopMidPrepare(with: SIGINT) }

    func testSIGTERMRemovesTheStagingDirectory() throws { try stopMidPrepare(with: SIGTERM) }
}
