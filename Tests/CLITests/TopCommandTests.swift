import Foundation
import XCTest

/// `rung top` as a person uses it: a real head and worker, the live view inside tmux
/// driven by keys and window resizes, and the plain summary through a pipe.
final class TopCommandTests: XCTestCase {
    /// The rows of the table whose header line starts with `header`, up to the next blank line.
    private func table(_ screen: [String], header: String) -> [[String]] {
        guard let start = screen.firstIndex(where: { $0.hasPrefix(header) }) else { return [] }
        return screen[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.split(separator: " ").map(String.init) }
    }

    private func trialRows(_ screen: [String]) -> [[String]] {
        table(screen, header: "TRIAL").filter { $0.count >= 7 && Int64($0[0]) != nil }
    }

    private func sweepLine(_ screen: [String]) -> String { screen.first { $0.hasPrefix("sweep ") } ?? "" }

    func testTheLiveViewFollowsKeysResizesAndRestoresTheTerminal() throws {
        let cluster = try TopCluster(self)
        let tmux = try TmuxSession(self, command: "'\(RungProcess.executable.path)' top --head \(cluster.endpoint) --interval 0.5;"
                                   + " echo \"rung top exited with $?\"; stty -a; sleep 600")
        // The first sweep, its two families, trial rows with a metric, and the worker.
        var screen = try tmux.waitFor("the first sweep with trials that reported") { s in
            self.sweepLine(s).contains("sweep 1 \(TopCluster.first.name)")
                && self.trialRows(s).contains { Double($0[5]) != nil } && s.contains { $0.hasPrefix("w-top") }
        }
        XCTAssertEqual(screen.count, 24, screen.joined(separator: "\n"))
        XCTAssertTrue(screen.allSatisfy { $0.count <= 80 }, "every line fits 80 columns:\n\(screen.joined(separator: "\n"))")
        XCTAssertEqual(try tmux.format("#{alternate_on} #{cursor_flag}"), "1 0", "alternate screen, hidden cursor")
        XCTAssertTrue(screen[0].contains("rung top") && screen[0].contains(cluster.endpoint), screen[0])
        XCTAssertEqual(screen[0].count, 79, "the title bar spans the width (clock at the right edge): \(screen[0])")
        XCTAssertTrue(sweepLine(screen).contains("[1/2]") && sweepLine(screen).contains("val_auc max"), sweepLine(screen))
        let families = table(screen, header: "FAMILY")
        XCTAssertEqual(families.map { $0[0] }, TopCluster.first.families, screen.joined(separator: "\n"))
        XCTAssertTrue(families.allSatisfy { $0.last!.unicodeScalars.allSatisfy { (0x2581...0x2588).contains($0.value) } || $0.count < 9 },
                      "the last column is a sparkline: \(families)")
        let workers = table(screen, header: "WORKER")
        XCTAssertEqual(workers.first?[0], "w-top")
        XCTAssertTrue(workers.first?[3].hasSuffix("/3") == true, "busy of three slots: \(workers)")
        XCTAssertTrue(screen.last!.contains("family: all") && screen.last!.contains("sort: metric"), screen.last!)
        // Sorted by the metric, best first (the sweep maximises val_auc).
        let metrics = trialRows(screen).compactMap { Double($0[5]) }
        XCTAssertEqual(metrics, metrics.sorted(by: >), screen.joined(separator: "\n"))

        // f: only alpha's trials, then beta's, then all again.
        try tmux.send("f")
        screen = try tmux.waitFor("the alpha filter") { $0.last!.contains("family: alpha") }
        screen = try tmux.waitFor("only alpha trials") { s in
            !self.trialRows(s).isEmpty && self.trialRows(s).allSatisfy { $0[1] == "alpha" }
        }
        XCTAssertTrue(table(screen, header: "FAMILY").first?[0] == "▸alpha", "the filtered family is marked")
        try tmux.send("f")
        try tmux.waitFor("only beta trials") { s in
            s.last!.contains("family: beta") && !self.trialRows(s).isEmpty && self.trialRows(s).allSatisfy { $0[1] == "beta" }
        }
        try tmux.send("f")
        screen = try tmux.waitFor("all families again") { $0.last!.contains("family: all") }
        XCTAssertEqual(table(screen, header: "FAMILY").map { $0[0] }, TopCluster.first.families, "no family is marked")

        // s: sorted by id, newest first.
        try tmux.send("s")
        screen = try tmux.waitFor("the id sort, newest first") { s in
            let ids = self.trialRows(s).compactMap { Int64($0[0]) }
            return s.last!.contains("sort: id") && ids.count > 2 && ids == ids.sorted(by: >)
        }
        XCTAssertEqual(Set(trialRows(screen).map { $0[1] }), Set(TopCluster.first.families), "both families again")

        // Tab: the second sweep, its family and trials.
        try tmux.send("Tab")
        screen = try tmux.waitFor("the second sweep") { s in
            self.sweepLine(s).contains("sweep 2 \(TopCluster.second.name)") && !self.trialRows(s).isEmpty
        }
        XCTAssertTrue(sweepLine(screen).contains("[2/2]"), sweepLine(screen))
        XCTAssertEqual(table(screen, header: "FAMILY").map { $0[0] }, TopCluster.second.families)
        XCTAssertTrue(trialRows(screen).allSatisfy { $0[1] == "gamma" }, screen.joined(separator: "\n"))

        // A bigger window: the view redraws to fill it.
        try tmux.run(["resize-window", "-t", tmux.name, "-x", "100", "-y", "30"])
        screen = try tmux.waitFor("a 100×30 frame") { s in s.count == 30 && s[0].count == 99 }
        XCTAssertTrue(screen.allSatisfy { $0.count <= 100 }, screen.joined(separator: "\n"))
        XCTAssertTrue(screen.last!.contains("q quit"), "the key line is on the last row: \(screen.last!)")
        XCTAssertGreaterThan(trialRows(screen).count, 0)
        // And a small one.
        try tmux.run(["resize-window", "-t", tmux.name, "-x", "60", "-y", "16"])
        screen = try tmux.waitFor("a 60×16 frame") { s in s.count == 16 && s[0].count == 59 }
        XCTAssertTrue(screen.allSatisfy { $0.count <= 60 }, screen.joined(separator: "\n"))

        // q: rung top exits 0, the shell's screen is back with the cursor and a cooked terminal.
        try tmux.send("q")
        // Wait for `stty -a` too: its local flags (icanon, echo) come last, after the exit line.
        screen = try tmux.waitFor("rung top to exit and stty to show the local flags") { s in
            s.contains { $0.contains("rung top exited with") } && s.contains { $0.contains("icanon") }
        }
        XCTAssertTrue(screen.contains("rung top exited with 0"), screen.joined(separator: "\n"))
        XCTAssertFalse(screen.contains { $0.hasPrefix("TRIAL") || $0.contains("q quit") }, "the view is gone:\n\(screen.joined(separator: "\n"))")
        XCTAssertEqual(try tmux.format("#{alternate_on} #{cursor_flag}"), "0 1", "main screen, visible cursor")
        let stty = screen.joined(separator: " ")
        XCTAssertTrue(stty.contains(" icanon") && stty.contains(" echo ") && !stty.contains("-icanon") && !stty.contains(" -echo "),
                      "line editing and echo are back: \(stty)")
    }

    func testAnUnreachableHeadShowsInTheViewAndCtrlCQuits() throws {
        let endpoint = "tcp://127.0.0.1:\(try TopCluster.freePort())"
        let tmux = try TmuxSession(self, command: "'\(RungProcess.executable.path)' top --head \(endpoint);"
                                   + " echo \"rung top exited with $?\"; sleep 600")
        let screen = try tmux.waitFor("the unreachable notice") { $0.contains { $0.contains("head unreachable, retrying") } }
        XCTAssertTrue(screen.contains { $0.contains(endpoint) }, screen.joined(separator: "\n"))
        try tmux.send("C-c")
        let after = try tmux.waitFor("rung top to exit") { $0.contains { $0.contains("rung top exited with") } }
        XCTAssertTrue(after.contains("rung top exited with 0"), after.joined(separator: "\n"))
        XCTAssertEqual(try tmux.format("#{alternate_on} #{cursor_flag}"), "0 1")
    }

    func testPlainSummaryWithoutATerminal() throws {
        let cluster = try TopCluster(self)
        // Wait until trials have reported, through the JSON snapshot.
        var document: [String: Any] = [:]
        try waitUntil("a trial reported a metric in `rung top --json`", timeout: 20, interval: 0.3, detail: "\(document)") {
            let json = try RungProcess.run(["top", "--head", cluster.endpoint, "--json"])
            XCTAssertEqual(json.status, 0, json.stderr)
            document = try jsonObject(json.stdout)
            return (document["trials"] as? [[String: Any]])?.contains { $0["metric"] is Double } == true
        }

        // The snapshot's shape.
        let sweeps = try XCTUnwrap(document["sweeps"] as? [[String: Any]])
        XCTAssertEqual(sweeps.map { $0["name"] as? String }, [TopCluster.first.name, TopCluster.second.name])
        let families = try XCTUnwrap(sweeps[0]["families"] as? [[String: Any]])
        XCTAssertEqual(families.map { $0["name"] as? String }, TopCluster.first.families)
        XCTAssertEqual(families[0]["budget"] as? Int, 60)
        XCTAssertEqual((families[0]["history"] as? [Any])?.count, 32)
        for key in ["finished", "running", "pending", "paused", "stopped", "failed", "cancelled", "started", "max_epochs"] {
            XCTAssertNotNil(families[0][key] as? Int, "families[].\(key)")
        }
        let trials = try XCTUnwrap(document["trials"] as? [[String: Any]])
        XCTAssertFalse(trials.isEmpty)
        for key in ["id", "number", "family", "status", "epoch", "max_epochs", "rung", "metric", "params", "worker", "seconds"] {
            XCTAssertTrue(trials[0].keys.contains(key), "trials[].\(key) in \(trials[0])")
        }
        XCTAssertEqual(trials[0]["max_epochs"] as? Int, 6)
        let metricValues = trials.compactMap { $0["metric"] as? Double }
        XCTAssertEqual(metricValues, metricValues.sorted(by: >), "sorted by the metric, best first")
        let workers = try XCTUnwrap(document["workers"] as? [[String: Any]])
        XCTAssertEqual(workers.first?["name"] as? String, "w-top")
        XCTAssertEqual(workers.first?["slots"] as? Int, 3)

        // One plain block through a pipe: no escape codes, the sweeps, families, trials, worker.
        let once = try RungProcess.run(["top", "--head", cluster.endpoint, "--once"], environment: ["NO_COLOR": ""])
        XCTAssertEqual(once.status, 0, once.stderr)
        XCTAssertFalse(once.stdout.contains("\u{1B}"), "no escape codes in a pipe: \(once.stdout)")
        XCTAssertTrue(once.stdout.hasPrefix("rung top · \(cluster.endpoint)"), once.stdout)
        for text in ["sweep 1 \(TopCluster.first.name)", "sweep 2 \(TopCluster.second.name)", "  alpha ", "  beta ", "  gamma ",
                     "trials of sweep 1 by metric:", "TRIAL", "w-top"] {
            XCTAssertTrue(once.stdout.contains(text), "\(text) in:\n\(once.stdout)")
        }
        let filtered = try RungProcess.run(["top", "--head", cluster.endpoint, "--once", "--sweep", "1", "--family", "beta", "--sort", "id"])
        XCTAssertEqual(filtered.status, 0, filtered.stderr)
        let rows = filtered.stdout.split(separator: "\n").drop { !$0.contains("TRIAL") }.dropFirst()
            .prefix { $0.hasPrefix("  ") }.map { $0.split(separator: " ").map(String.init) }
        XCTAssertFalse(rows.isEmpty, filtered.stdout)
        XCTAssertTrue(rows.allSatisfy { $0[1] == "beta" }, filtered.stdout)
        XCTAssertEqual(rows.compactMap { Int($0[0]) }, rows.compactMap { Int($0[0]) }.sorted(by: >), filtered.stdout)

        // Without --once: a block per interval until interrupted, then exit 0.
        let process = Process()
        process.executableURL = RungProcess.executable
        process.arguments = ["top", "--head", cluster.endpoint, "--interval", "0.3"]
        let output = cluster.directory.appendingPathComponent("top-plain.out")
        XCTAssertTrue(FileManager.default.createFile(atPath: output.path, contents: nil))
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        func blocks() -> Int { RungProcess.text(of: output).components(separatedBy: "rung top · ").count - 1 }
        waitUntil("three blocks from `rung top --interval 0.3`", timeout: 20, detail: RungProcess.text(of: output)) { blocks() >= 3 }
        waitUntil("`rung top` catches SIGINT", timeout: 5) { RungProcess.catches(SIGINT, pid: process.processIdentifier) }
        process.interrupt()
        process.waitUntilExit()
        let text = RungProcess.text(of: output)
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertGreaterThanOrEqual(text.components(separatedBy: "rung top · ").count - 1, 3, text)
    }

    /// After a head restart the snapshot is rebuilt from the store: the counts, the best
    /// values and the best-so-far history from before the restart are all still there.
    func testTheSnapshotSurvivesAHeadRestart() throws {
        let cluster = try TopCluster(self)
        func snapshot() throws -> [String: Any] {
            let r = try RungProcess.run(["top", "--head", cluster.endpoint, "--json", "--sweep", "1"])
            XCTAssertEqual(r.status, 0, r.stderr)
            return try jsonObject(r.stdout)
        }
        func alpha(_ document: [String: Any]) -> [String: Any] {
            let sweeps = document["sweeps"] as? [[String: Any]] ?? []
            let families = sweeps.first { $0["id"] as? Int == 1 }?["families"] as? [[String: Any]] ?? []
            return families.first { $0["name"] as? String == "alpha" } ?? [:]
        }
        var before: [String: Any] = [:]
        try waitUntil("three alpha trials finished", timeout: 30, interval: 0.5, detail: "\(before)") {
            before = alpha(try snapshot())
            return (before["finished"] as? Int ?? 0) >= 3
        }
        let finished = try XCTUnwrap(before["finished"] as? Int)
        XCTAssertGreaterThanOrEqual(finished, 3, "\(before)")
        let best = try XCTUnwrap(before["best"] as? Double)

        try cluster.restartHead()
        let after = alpha(try snapshot())
        XCTAssertGreaterThanOrEqual(after["finished"] as? Int ?? -1, finished, "\(after)")
        XCTAssertGreaterThanOrEqual(after["best"] as? Double ?? -1, best, "\(after)")
        let history = try XCTUnwrap(after["history"] as? [Any])
        XCTAssertEqual(history.count, 32)
        let firstValue = history.firstIndex { $0 is Double }
        XCTAssertNotNil(firstValue, "\(history)")
        XCTAssertLessThan(firstValue ?? 99, 31, "values reported before the restart keep their times: \(history)")
        let trials = try XCTUnwrap(try snapshot()["trials"] as? [[String: Any]])
        XCTAssertTrue(trials.contains { $0["status"] as? String == "finished" && $0["metric"] is Double }, "\(trials)")
    }

    func testPlainModeAgainstAnUnreachableHeadIsExit69() throws {
        let endpoint = "tcp://127.0.0.1:\(try TopCluster.freePort())"
        let r = try RungProcess.run(["top", "--head", endpoint, "--once"])
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertTrue(r.stderr.contains(endpoint), r.stderr)
        XCTAssertTrue(r.stdout.isEmpty, r.stdout)
        let bad = try RungProcess.run(["top", "--sort", "colour"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("colour"), bad.stderr)
    }
}
