import Foundation
import XCTest

/// `bash -c` for the documentation walk-throughs: a step run to its end, or a long-running
/// service (a head, a worker) started in the background and stopped when the test ends.
/// Output goes to a file, not a pipe, so that a step's background children cannot hold
/// its end open.
final class Shell: @unchecked Sendable {
    private let process = Process()
    private let log: URL

    private init(_ script: String, in directory: URL, environment: [String: String]) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("rung-shell-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
    }

    /// Everything the script printed so far (stdout and stderr interleaved).
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Runs `script` in `directory` to its end, killed after `timeout` seconds (status 137).
    static func run(_ script: String, in directory: URL, environment: [String: String],
                    timeout: TimeInterval) throws -> (status: Int32, output: String) {
        let shell = try Shell(script, in: directory, environment: environment)
        defer { try? FileManager.default.removeItem(at: shell.log) }
        let deadline = Date().addingTimeInterval(timeout)
        while shell.process.isRunning && Date() < deadline { usleep(50_000) }  // polling with a deadline
        if shell.process.isRunning {
            kill(shell.process.processIdentifier, SIGKILL)
            shell.process.waitUntilExit()
            return (137, shell.output + "\n[killed after \(Int(timeout)) s]")
        }
        shell.process.waitUntilExit()
        return (shell.process.terminationStatus, shell.output)
    }

    /// Starts `command` (`exec`ed, so the service is bash's own process) in the background;
    /// when `test` ends it is interrupted, then killed if it has not exited after 15 s.
    static func start(_ command: String, in directory: URL, environment: [String: String], test: XCTestCase) throws -> Shell {
        let shell = try Shell("exec " + command, in: directory, environment: environment)
        test.addTeardownBlock {
            if shell.process.isRunning { shell.process.interrupt() }
            let deadline = Date().addingTimeInterval(15)
            while shell.process.isRunning && Date() < deadline { usleep(50_000) }
            if shell.process.isRunning { kill(shell.process.processIdentifier, SIGKILL) }
            shell.process.waitUntilExit()
            try? FileManager.default.removeItem(at: shell.log)
        }
        return shell
    }
}
