import Foundation
import XCTest

/// The progress of `rung run` and `rung sweep submit --wait` and their exit statuses, as a
/// person (a terminal) and cron (a pipe) see them, through the built binary.
final class ProgressTests: XCTestCase {
    /// A `command`-family trainer: three epochs of `val_auc`, each after a short pause;
    /// with `fail`, one epoch and then exit status 1.
    private func trainer(_ fixture: ReportFixture, fail: Bool = false) throws -> URL {
        let url = fixture.directory.appendingPathComponent(fail ? "fail.sh" : "train.sh")
        let body = fail
            ? "echo '{\"epoch\": 1, \"val_auc\": 0.5}'\necho 'no more' >&2\nexit 1\n"
            : "for e in 1 2 3; do sleep 0.4; echo \"{\\\"epoch\\\": $e, \\\"val_auc\\\": 0.6$e}\"; done\n"
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func commandSweep(_ fixture: ReportFixture, data: URL, families: [(name: String, script: URL, trials: Int)]) -> String {
        var yaml = """
        name: progress-test
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        searcher: {type: random}
        scheduler: {type: fifo, max_epochs: 3}
        families:

        """
        for f in families {
            yaml += "  \(f.name):\n    trials: \(f.trials)\n    command: [/bin/sh, \(f.script.path)]\n    space: {x: {type: uniform, low: 0, high: 1}}\n"
        }
        return yaml
    }

    /// On a terminal (`script` gives `rung run` a pseudo-terminal) the progress is one line
    /// rewritten in place, and a sweep whose trials all finished exits 0.
    func testRunShowsOneLiveLineOnATerminalAndExitsZero() throws {
        let scriptTool = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: scriptTool) else {
            return XCTFail("\(scriptTool) (util-linux) is needed to run rung on a pseudo-terminal")
        }
        let fixture = try ReportFixture(self)
        let data = try fixture.preparedData()
        let config = try fixture.config("sweep.yaml", commandSweep(fixture, data: data, families: [("cmd", try trainer(fixture), 4)]))
        let command = [RungProcess.executable.path, "run", config.path, "--workers", "2", "--db", fixture.db, "--artifacts", fixture.artifacts]
            .map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: scriptTool)
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        process.currentDirectoryURL = fixture.directory
        var env = ProcessInfo.processInfo.environment
        env["RUNG_DATASETS"] = RungProcess.datasetsPath
        env["COLUMNS"] = "160"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("\r\u{1B}[K["), "the live line is redrawn in place: \(text.debugDescription)")
        let live = try XCTUnwrap(text.components(separatedBy: "\r\u{1B}[K").last { $0.hasPrefix("[") && $0.contains("trials done") },
                                 text.debugDescription)
        XCTAssertTrue(live.contains("sweep 1: "), live)
        XCTAssertTrue(live.range(of: #"\d/4 trials done, \d running"#, options: .regularExpression) != nil, live)
        XCTAssertTrue(live.contains("best val_auc: cmd "), live)
        XCTAssertNil(text.range(of: #"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ sweep"#, options: .regularExpression),
                     "no plain timestamped lines on a terminal")
        XCTAssertTrue(text.contains("sweep 1 progress-test finished"), text)
    }

    /// Piped (cron, systemd): plain timestamped lines; a sweep with a failed trial exits 3.
    func testRunWithAFailedTrialPrintsPlainLinesAndExitsThree() throws {
        let fixture = try ReportFixture(self)
        let data = try fixture.preparedData()
        let config = try fixture.config("sweep.yaml", commandSweep(fixture, data: data, families: [
            ("good", try trainer(fixture), 2), ("bad", try trainer(fixture, fail: true), 1),
        ]))
        let r = try fixture.run(config)
        XCTAssertEqual(r.status, 3, "finished, but a trial failed: \(r.stdout)\n\(r.stderr)")
        XCTAssertNotNil(r.stdout.range(of: #"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ sweep 1: \d/3 trials done"#, options: .regularExpression),
                        "a plain, timestamped progress line: \(r.stdout)")
        XCTAssertFalse(r.stdout.contains("\u{1B}["), "no terminal control sequences in a pipe")
        XCTAssertTrue(r.stdout.contains("failed: trial"), r.stdout)
        let json = try fixture.run(config, extra: ["--json"])
        XCTAssertEqual(json.status, 3, json.stderr)
        let document = try jsonObject(json.stdout)
        XCTAssertEqual(document["status"] as? String, "finished")
    }

    /// `sweep submit --wait`: exit 130 when interrupted (the sweep goes on), 4 when the sweep
    /// is cancelled, 0 when it finishes, 3 when it finishes with a failed trial, with the
    /// progress on stderr and the outcome on stdout.
    func testSubmitWaitExitStatusesInterruptedCancelledFinished() throws {
        let fixture = try ReportFixture(self)
        let data = try fixture.preparedData()
        let config = try fixture.config("sweep.yaml", commandSweep(fixture, data: data, families: [("cmd", try trainer(fixture), 3)]))
        let endpoint = try RungProcess.freeEndpoint()
        let head = try background(["head", "--listen", endpoint, "--db", fixture.db, "--artifacts", fixture.artifacts])
        defer { stop(head.process) }

        // No worker: the sweep cannot progress. Ctrl-C stops the waiting, not the sweep.
        let interrupted = try background(["sweep", "submit", config.path, "--head", endpoint, "--wait"])
        defer { stop(interrupted.process) }
        XCTAssertTrue(waitForSweep(1, fixture: fixture), "sweep 1 was submitted")
        waitUntil("the waiter catches SIGINT", timeout: 30, detail: interrupted.stderr) {
            RungProcess.catches(SIGINT, pid: interrupted.process.processIdentifier)
        }
        interrupted.process.interrupt()
        let stopped = interrupted.finish(timeout: 30)
        XCTAssertEqual(stopped.status, 130, "interrupted: \(stopped.stderr)")
        XCTAssertTrue(stopped.stderr.contains("stopped waiting; sweep 1 goes on"), stopped.stderr)
        let show = try RungProcess.run(["sweep", "show", "1", "--db", fixture.db, "--json"])
        XCTAssertEqual((try jsonObject(show.stdout)["sweep"] as? [String: Any])?["status"] as? String, "running",
                       "the sweep goes on after the waiting stopped")

        // Cancelled from another process while a second waiter waits: exit 4.
        let waiter = try background(["sweep", "submit", config.path, "--head", endpoint, "--wait"])
        defer { stop(waiter.process) }
        XCTAssertTrue(waitForSweep(2, fixture: fixture), "sweep 2 was submitted")
        let cancel = try RungProcess.run(["sweep", "cancel", "2", "--head", endpoint])
        XCTAssertEqual(cancel.status, 0, cancel.stderr)
        let waited = waiter.finish(timeout: 30)
        XCTAssertEqual(waited.status, 4, "a cancelled sweep: \(waited.stdout)\n\(waited.stderr)")
        XCTAssertEqual(waited.stdout, "sweep 2 cancelled: cancelled\n")
        XCTAssertEqual(try RungProcess.run(["sweep", "cancel", "1", "--head", endpoint]).status, 0)

        // With a worker the next sweep finishes: exit 0, progress lines on stderr.
        let worker = try background(["worker", "--head", endpoint, "--slots", "2", "--cache", fixture.directory.appendingPathComponent("cache").path])
        defer { stop(worker.process) }
        let finished = try RungProcess.run(["sweep", "submit", config.path, "--head", endpoint, "--wait", "--json"])
        XCTAssertEqual(finished.status, 0, finished.stderr)
        let document = try jsonObject(finished.stdout)
        XCTAssertEqual(document["status"] as? String, "finished")
        XCTAssertEqual(document["exit_status"] as? Int, 0)
        XCTAssertEqual(document["sweep"] as? Int, 3)
        let plain = try RungProcess.run(["sweep", "submit", config.path, "--head", endpoint, "--wait"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stdout.hasPrefix("sweep 4 finished"), plain.stdout)
        XCTAssertNotNil(plain.stderr.range(of: #"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ sweep 4: \d/3 trials done"#, options: .regularExpression),
                        "timestamped progress on stderr: \(plain.stderr)")

        // A sweep with a failing trial: the head's progress fields let --wait exit 3, like `rung run`.
        let failing = try fixture.config("failing.yaml", commandSweep(fixture, data: data, families: [
            ("good", try trainer(fixture), 2), ("bad", try trainer(fixture, fail: true), 1),
        ]))
        let partial = try RungProcess.run(["sweep", "submit", failing.path, "--head", endpoint, "--wait", "--json"])
        XCTAssertEqual(partial.status, 3, "finished with a failed trial: \(partial.stdout)\n\(partial.stderr)")
        let counts = try jsonObject(partial.stdout)["trials"] as? [String: Any]
        XCTAssertEqual(counts?["failed"] as? Int, 1, partial.stdout)
        XCTAssertEqual(counts?["finished"] as? Int, 2, partial.stdout)
    }

    // MARK: - Helpers

    private struct Background {
        let process: Process
        let out: LockedData
        let err: LockedData
        let group: DispatchGroup

        /// Its stderr so far.
        var stderr: String { String(decoding: err.get(), as: UTF8.self) }

        func finish(timeout: TimeInterval) -> RungProcess.Result {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            group.wait()
            return RungProcess.Result(status: process.terminationStatus, stdout: String(decoding: out.get(), as: UTF8.self),
                                      stderr: String(decoding: err.get(), as: UTF8.self))
        }
    }

    /// Starts `rung args…` without waiting; its output is collected until it exits.
    private func background(_ args: [String]) throws -> Background {
        let process = Process()
        process.executableURL = RungProcess.executable
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["RUNG_DATASETS"] = RungProcess.datasetsPath
        env["NO_COLOR"] = "1"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = LockedData(), errData = LockedData(), group = DispatchGroup()
        for (pipe, box) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                // Chunk by chunk, so that a test can look at the output while the process runs.
                while case let chunk = pipe.fileHandleForReading.availableData, !chunk.isEmpty { box.append(chunk) }
                group.leave()
            }
        }
        return Background(process: process, out: outData, err: errData, group: group)
    }

    /// Whether sweep `id` shows up in the store (read-only, next to the running head) within 60 s.
    private func waitForSweep(_ id: Int, fixture: ReportFixture) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let r = try? RungProcess.run(["sweep", "ls", "--db", fixture.db, "--json"]),
               let sweeps = (try? jsonObject(r.stdout))?["sweeps"] as? [[String: Any]],
               sweeps.contains(where: { $0["id"] as? Int == id }) {
                return true
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    private func stop(_ process: Process) {
        if process.isRunning {
            process.interrupt()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { process.terminate() }
        }
        process.waitUntilExit()
    }
}
