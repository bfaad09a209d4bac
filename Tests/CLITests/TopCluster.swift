import Foundation
import XCTest

/// A real head and worker on a free loopback port with two sweeps of `command` families
/// running a small shell script, for the `rung top` tests.
final class TopCluster {
    let directory: URL
    let endpoint: String
    private var processes: [Process] = []

    /// The first sweep's name and families, then the second's.
    static let first = (name: "top-alpha-beta", families: ["alpha", "beta"])
    static let second = (name: "top-second", families: ["gamma"])

    init(_ test: XCTestCase, trials: Int = 60) throws {
        directory = try RungProcess.temporaryDirectory(test)
        endpoint = "tcp://127.0.0.1:\(try Self.freePort())"
        let data = try prepareData()
        // Six epochs 0.3 s apart; the metric grows with the epoch and varies with the trial id.
        let script = directory.appendingPathComponent("trial.sh")
        try """
        for e in 1 2 3 4 5 6; do
          sleep 0.3
          printf '{"epoch": %d, "val_auc": 0.%04d}\\n' "$e" $(( (RUNG_TRIAL_ID * 37 % 3000) + 5000 + e * 100 ))
        done
        """.write(to: script, atomically: true, encoding: .utf8)
        func family(_ name: String, _ space: String) -> String {
            "  \(name):\n    trials: \(trials)\n    command: [sh, \(script.path)]\n    space:\n\(space)"
        }
        let twoParams = "      depth: {type: int, low: 2, high: 9}\n      rate: {type: loguniform, low: 0.001, high: 0.3}\n"
        let configs = [
            (Self.first.name, family("alpha", twoParams) + family("beta", "      width: {type: int, low: 8, high: 512, log: true}\n")),
            (Self.second.name, family("gamma", twoParams)),
        ]
        try startHead()
        let worker = Process()
        worker.executableURL = RungProcess.executable
        worker.arguments = ["worker", "--head", endpoint, "--slots", "3", "--name", "w-top",
                            "--cache", directory.appendingPathComponent("cache").path]
        worker.standardOutput = FileHandle.nullDevice
        XCTAssertTrue(FileManager.default.createFile(atPath: workerLog.path, contents: nil))
        worker.standardError = try FileHandle(forWritingTo: workerLog)
        try worker.run()
        processes.append(worker)
        test.addTeardownBlock { [self] in stop() }
        for (name, families) in configs {
            let url = directory.appendingPathComponent("\(name).yaml")
            try """
            name: \(name)
            data: {prepared: \(data.path)}
            metric: {name: val_auc, mode: max}
            scheduler: {type: asha, max_epochs: 6, grace_period: 2, reduction_factor: 2}
            families:
            \(families)
            """.write(to: url, atomically: true, encoding: .utf8)
            let submit = try RungProcess.run(["sweep", "submit", url.path, "--head", endpoint])
            XCTAssertEqual(submit.status, 0, submit.stderr)
        }
    }

    private func startHead() throws {
        let head = Process()
        head.executableURL = RungProcess.executable
        head.arguments = ["head", "--listen", endpoint, "--db", "sqlite:\(directory.path)/rung.db",
                          "--artifacts", directory.appendingPathComponent("artifacts").path]
        head.standardOutput = FileHandle.nullDevice
        head.standardError = FileHandle.nullDevice
        try head.run()
        processes.insert(head, at: 0)
    }

    /// Stops the head (SIGINT) and starts it again on the same store and endpoint; fails
    /// the test when there is no running head to restart (a test of what survives a restart
    /// would otherwise pass without one).
    func restartHead(file: StaticString = #filePath, line: UInt = #line) throws {
        guard let head = processes.first(where: { $0.arguments?.first == "head" }), head.isRunning else {
            XCTFail("no running head to restart", file: file, line: line)
            throw CocoaError(.executableNotLoadable)
        }
        head.interrupt()
        head.waitUntilExit()
        processes.removeAll { $0 === head }
        try startHead()
    }

    /// The worker's stderr.
    private var workerLog: URL { directory.appendingPathComponent("worker.log") }

    /// Stops the worker (two signals: cancel its trials and leave) and the head.
    func stop() {
        for process in processes.reversed() where process.isRunning {
            process.interrupt()
            if process.arguments?.first == "worker" {
                // The second signal only after the worker handled the first (two at once may arrive as one).
                let deadline = Date().addingTimeInterval(5)
                while process.isRunning && !RungProcess.text(of: workerLog).contains("received SIGINT")
                        && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
                if process.isRunning { process.interrupt() }
            }
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        processes.removeAll()
    }

    private func prepareData() throws -> URL {
        var csv = "id,x,colour,outcome\n"
        for i in 0..<200 { csv += "\(i),\(Double(i % 17) / 17),\(["red", "blue"][i % 2]),\(i % 3 == 0 ? "yes" : "no")\n" }
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
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    /// A loopback TCP port nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A private tmux server (its own socket) with one session running a command, for
/// driving `rung top` the way a person does: keys in, screen captures out.
final class TmuxSession {
    private let socket = "rung-test-\(UUID().uuidString.prefix(8))"
    let name = "top"
    private static let tmux: URL? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        .map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// Starts `command` (a shell command line) in a detached `width`×`height` session; fails
    /// the test (rather than skipping it) when tmux is missing.
    init(_ test: XCTestCase, command: String, width: Int = 80, height: Int = 24,
         file: StaticString = #filePath, line: UInt = #line) throws {
        guard Self.tmux != nil else {
            XCTFail("tmux is needed for the rung top tests: install it (scripts/install-deps --test, or apt-get install tmux)", file: file, line: line)
            throw CocoaError(.executableNotLoadable)
        }
        try run(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", name, command])
        test.addTeardownBlock { [self] in _ = try? run(["kill-server"]) }
    }

    /// Runs `tmux -L socket args…` and returns its stdout. It is spawned with posix_spawn
    /// and its output goes through a file: the tmux server that `new-session` leaves behind
    /// inherits the child's descriptors, and would keep a pipe (or Foundation's own
    /// process-exit socket) open forever.
    @discardableResult
    func run(_ args: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rung-tmux-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([Self.tmux!.path, "-L", socket, "-f", "/dev/null"] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, Self.tmux!.path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }

    /// The visible screen, one string per row (trailing spaces trimmed by tmux).
    func capture() throws -> [String] {
        let text = try run(["capture-pane", "-p", "-t", name])
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Sends keys (tmux key names such as `f`, `Tab`, `C-c`).
    func send(_ keys: String...) throws { try run(["send-keys", "-t", name] + keys) }

    /// A tmux format value of the pane, e.g. `#{alternate_on}`.
    func format(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", name, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits up to `seconds` for the screen to satisfy `condition`; returns the last capture.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 20, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = try capture()
        while !condition(screen) {
            guard Date() < deadline else {
                XCTFail("timed out waiting for \(what); the screen was:\n\(screen.joined(separator: "\n"))", file: file, line: line)
                return screen
            }
            Thread.sleep(forTimeInterval: 0.2)
            screen = try capture()
        }
        return screen
    }
}
