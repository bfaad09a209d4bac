import Foundation
import RungCore
import RungStore
import XCTest

/// The walk-throughs of docs/nightly.md and docs/operations.md, run as written so that the
/// docs cannot drift from the code (docs/testing.md, "Walk-throughs"). The blocks are read
/// from the documents at test time; what changes is only what must on one test machine:
/// `rung` is the binary under test, `/etc/rung/keys` and `/srv/rung` are directories of this
/// test (one per simulated host), the head's address is a free loopback port, the
/// PostgreSQL database and the S3 server are the test's own (moto, bucket `acme-ml`), and
/// `Config/nightly.yaml` keeps every key of the real file but two small families, so
/// that a night takes seconds. The README's blocks run in CI through scripts/readme-walkthrough.
final class DocWalkthroughTests: XCTestCase {
    private let root = RungProcess.packageRoot

    /// The text of fenced block number `index` (0-based) in `language` after `heading`.
    static func block(_ language: String, after heading: String, in file: URL, index: Int = 0) throws -> String {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard var from = text.range(of: heading)?.upperBound else {
            throw WalkthroughError("no heading \(heading) in \(file.lastPathComponent)")
        }
        for found in 0...index {
            guard let open = text.range(of: "```\(language)\n", range: from..<text.endIndex),
                  let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex) else {
                throw WalkthroughError("no \(language) block \(index) after \(heading) in \(file.lastPathComponent)")
            }
            if found == index { return String(text[open.upperBound..<close.lowerBound]) }
            from = close.upperBound
        }
        throw WalkthroughError("unreachable")
    }

    /// Config/nightly.yaml with its families replaced by two small ones and its ASHA budget
    /// cut to two epochs; every other key (data with `through_batch: latest`, warm start,
    /// the searcher, `register`) is the real file's.
    private func smallNightlyConfig() throws -> String {
        let real = try String(contentsOf: root.appendingPathComponent("Config/nightly.yaml"), encoding: .utf8)
        guard let families = real.range(of: "\nfamilies:\n"), let promotion = real.range(of: "\n# Promotion") else {
            throw WalkthroughError("Config/nightly.yaml no longer has `families:` followed by a `# Promotion` comment; update this test")
        }
        let small = """
          xgboost:
            trials: 2
            epoch: {rounds: 3}
            space:
              max_depth:     {type: int, low: 3, high: 5}
              learning_rate: {type: loguniform, low: 0.05, high: 0.3}
          logistic_regression:
            trials: 2
            epoch: {rounds: 2}
            space:
              reg_lambda: {type: loguniform, low: 0.001, high: 1}
        """
        let text = String(real[..<families.upperBound]) + small + String(real[promotion.lowerBound...])
        let budget = "max_epochs: 20, grace_period: 2"
        XCTAssertTrue(text.contains(budget), "Config/nightly.yaml's scheduler changed; update this test")
        for key in ["through_batch: latest", "warm_start: production", "register: {metric: test_auc"] {
            XCTAssertTrue(text.contains(key), "the small config lost `\(key)`")
        }
        return text.replacingOccurrences(of: budget, with: "max_epochs: 2, grace_period: 1")
    }

    /// A directory laid out like the part of a clone the walk-throughs use: `Config/` with the
    /// small nightly config and the real diabetes recipe, `./rung` and `bin/rung` (for PATH)
    /// pointing at the binary under test.
    private func cloneLike(_ dir: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("Config/datasets"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try smallNightlyConfig().write(to: dir.appendingPathComponent("Config/nightly.yaml"), atomically: true, encoding: .utf8)
        try fm.copyItem(at: root.appendingPathComponent("Config/datasets/diabetes.yaml"),
                        to: dir.appendingPathComponent("Config/datasets/diabetes.yaml"))
        try fm.createSymbolicLink(at: dir.appendingPathComponent("rung"), withDestinationURL: RungProcess.executable)
        try fm.createSymbolicLink(at: dir.appendingPathComponent("bin/rung"), withDestinationURL: RungProcess.executable)
    }

    /// The environment of a walk-through shell in `dir`: `rung` first on PATH, the datasets,
    /// HOME inside the simulated host (so caches do not mix), no colour.
    private func environment(_ dir: URL, _ extra: [String: String] = [:]) -> [String: String] {
        let path = dir.appendingPathComponent("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return ["PATH": path, "HOME": dir.path, "RUNG_DATASETS": RungProcess.datasetsPath, "NO_COLOR": "1",
                "OMP_WAIT_POLICY": "passive", "TZ": "UTC"].merging(extra) { $1 }
    }

    // MARK: docs/nightly.md on one machine

    func testTheNightlyWalkthroughAndItsCronLineRunAsWritten() throws {
        let nightly = root.appendingPathComponent("docs/nightly.md")
        let dir = try RungProcess.temporaryDirectory(self).appendingPathComponent("srv-rung")
        try cloneLike(dir)

        // The two commands at the top of docs/nightly.md: the first night.
        let steps = try Self.block("sh", after: "# Nightly runs", in: nightly)
        XCTAssertTrue(steps.contains("rung data advance Config/nightly.yaml") && steps.contains("rung run Config/nightly.yaml"), steps)
        let first = try Shell.run("set -e\n" + steps, in: dir, environment: environment(dir), timeout: 300)
        XCTAssertEqual(first.status, 0, "docs/nightly.md's two commands failed:\n\(first.output)")
        // The README shows the same two commands.
        let readme = try Self.block("sh", after: "## Nightly runs", in: root.appendingPathComponent("README.md"))
        XCTAssertEqual(Self.commands(readme), Self.commands(steps), "README.md and docs/nightly.md show different nightly commands")

        // The crontab line, as cron would run it: the time fields dropped, `\%` unescaped,
        // /srv/rung being this test's directory. The second night.
        let cron = try Self.block("cron", after: "## Scheduling", in: nightly)
        guard let entry = cron.split(separator: "\n").first(where: { $0.first?.isNumber == true }) else {
            return XCTFail("no crontab entry in docs/nightly.md:\n\(cron)")
        }
        let command = entry.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)[5]
            .replacingOccurrences(of: "\\%", with: "%")
            .replacingOccurrences(of: "cd /srv/rung", with: "cd '\(dir.path)'")
        XCTAssertTrue(command.contains("cd '\(dir.path)'"), "the crontab line no longer starts in /srv/rung: \(entry)")
        let second = try Shell.run(command, in: root, environment: environment(dir), timeout: 300)
        XCTAssertEqual(second.status, 0, "the crontab line failed:\n\(command)\n\(second.output)")

        // Two nights, each on one more batch, each sweep finished; the cron night left its
        // log and its JSON summary where the line says.
        let store = try openStore(url: "sqlite:" + dir.appendingPathComponent(".rung/rung.db").path, readOnly: true)
        defer { store.close() }
        let sweeps = try store.sweeps()
        XCTAssertEqual(sweeps.map(\.status), [.finished, .finished])
        XCTAssertEqual(Set(sweeps.compactMap(\.dataVersion)).count, 2, "each night trains on another data version")
        let logs = dir.appendingPathComponent(".rung/logs")
        let day = Self.utcDay()
        let summary = try Data(contentsOf: logs.appendingPathComponent("nightly-\(day).json"))
        let json = try JSONSerialization.jsonObject(with: summary) as? [String: Any]
        XCTAssertNotNil(json, "the nightly summary is one JSON document")
        let log = (try? String(contentsOf: logs.appendingPathComponent("nightly.log"), encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("2"), "nightly.log records the advance to batch 2:\n\(log)")
    }

    // MARK: docs/operations.md: keys, a head on PostgreSQL and S3, a worker; the nightly on S3

    func testTheOperationsWalkthroughAndTheNightlyUnitRunAsWritten() throws {
        let operations = root.appendingPathComponent("docs/operations.md")
        let nightly = root.appendingPathComponent("docs/nightly.md")
        let base = try RungProcess.temporaryDirectory(self)
        let hosts = ["head": base.appendingPathComponent("head"), "worker-7": base.appendingPathComponent("worker-7")]
        for host in hosts.values {
            try FileManager.default.createDirectory(at: host.appendingPathComponent("etc/rung"), withIntermediateDirectories: true)
        }
        let headHost = hosts["head"]!, workerHost = hosts["worker-7"]!
        try cloneLike(headHost)
        try FileManager.default.createDirectory(at: workerHost.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: workerHost.appendingPathComponent("bin/rung"), withDestinationURL: RungProcess.executable)
        func keys(_ host: URL) -> String { host.appendingPathComponent("etc/rung/keys").path }

        // Keys, host by host as the comments in the block say; `scp HOST:PATH DEST` copies
        // from that host's directory.
        let keyBlock = try Self.block("sh", after: "## Keys: CURVE authentication", in: operations)
        var host = headHost
        for line in keyBlock.split(separator: "\n").map(String.init) {
            if line.hasPrefix("#") {
                host = line.hasPrefix("# on each worker") ? workerHost : headHost
                continue
            }
            var command = line
            if let scp = command.range(of: #"scp (\S+):(\S+) "#, options: .regularExpression) {
                let words = command[scp].dropFirst(4).split(separator: ":", maxSplits: 1)
                guard let source = hosts[String(words[0])] else { return XCTFail("scp from an unknown host: \(line)") }
                command.replaceSubrange(scp, with: "cp \(source.path)\(words[1])")
            }
            command = command.replacingOccurrences(of: " /etc/rung/keys", with: " " + keys(host))
            let result = try Shell.run(command, in: host, environment: environment(host), timeout: 30)
            XCTAssertEqual(result.status, 0, "a line of the keys walk-through failed:\n\(line)\n→ \(command)\n\(result.output)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: keys(headHost) + "/authorized/worker-7.pub"),
                      "the walk-through authorizes worker-7 on the head")

        // PostgreSQL (the database made by the test server instead of createuser/createdb)
        // and S3 (moto with the bucket the docs name).
        let postgres = try PostgresTestServer.shared()
        let database = try postgres.createDatabase()
        let moto = try MotoS3(self)
        try moto.createBucket("acme-ml")
        let port = try TopCluster.freePort()
        let services = moto.environment.merging(["RUNG_DB": database]) { $1 }

        let headBlock = try Self.block("sh", after: "3. **Keys** (next section), then:", in: operations)
        let headCommand = headBlock.replacingOccurrences(of: "\\\n", with: " ")
            .replacingOccurrences(of: "tcp://0.0.0.0:7770", with: "tcp://127.0.0.1:\(port)")
            .replacingOccurrences(of: " /etc/rung/keys", with: " " + keys(headHost))
        XCTAssertTrue(headCommand.contains("127.0.0.1:\(port)") && headCommand.contains("--db \"$RUNG_DB\""), headCommand)
        let head = try Shell.start(headCommand, in: headHost, environment: environment(headHost, services), test: self)

        let workerBlock = try Self.block("sh", after: "Workers need only the head's address", in: operations)
        let workerCommand = workerBlock
            .replacingOccurrences(of: "tcp://head.internal:7770", with: "tcp://127.0.0.1:\(port)")
            .replacingOccurrences(of: " /etc/rung/keys", with: " " + keys(workerHost))
        XCTAssertTrue(workerCommand.contains("127.0.0.1:\(port)"), workerCommand)
        let worker = try Shell.start(workerCommand, in: workerHost, environment: environment(workerHost, moto.environment), test: self)

        // The nightly on S3 (docs/nightly.md, "Cumulative data"), as a client on the head host:
        // RUNG_HEAD and RUNG_KEYS as /etc/rung/rung.env sets them there.
        let client = environment(headHost, services.merging(["RUNG_HEAD": "tcp://127.0.0.1:\(port)", "RUNG_KEYS": keys(headHost)]) { $1 })
        let s3Night = try Self.block("sh", after: "## Cumulative data", in: nightly)
        XCTAssertTrue(s3Night.contains("s3://acme-ml/rung"), s3Night)
        let night1 = try Shell.run("set -e\n" + s3Night, in: headHost, environment: client, timeout: 180)
        XCTAssertEqual(night1.status, 0, "the nightly on S3 failed:\n\(night1.output)\n--- head ---\n\(head.output)\n--- worker ---\n\(worker.output)")

        // The systemd unit's two commands (rung-nightly.service), with the environment
        // rung.env gives them: the second night.
        let unit = try String(contentsOf: root.appendingPathComponent("cluster/systemd/rung-nightly.service"), encoding: .utf8)
        let execs = unit.split(separator: "\n").filter { $0.hasPrefix("ExecStartPre=") || $0.hasPrefix("ExecStart=") }
            .map { String($0.drop { $0 != "=" }.dropFirst()).replacingOccurrences(of: "/usr/local/bin/rung", with: RungProcess.executable.path) }
        XCTAssertEqual(execs.count, 2, "rung-nightly.service has an ExecStartPre and an ExecStart:\n\(unit)")
        let unitEnvironment = client.merging(["RUNG_ARTIFACTS": "s3://acme-ml/rung",
                                              "RUNG_NIGHTLY_CONFIG": headHost.appendingPathComponent("Config/nightly.yaml").path]) { $1 }
        for exec in execs {
            let result = try Shell.run(exec, in: headHost, environment: unitEnvironment, timeout: 300)
            XCTAssertEqual(result.status, 0, "rung-nightly.service's `\(exec)` failed:\n\(result.output)\n--- head ---\n\(head.output)")
        }

        // Two finished sweeps in PostgreSQL on two data versions, every trial run by the
        // walk-through's worker, and a registry on S3.
        let store = try openStore(url: database, readOnly: true)
        defer { store.close() }
        let sweeps = try store.sweeps()
        XCTAssertEqual(sweeps.map(\.status), [.finished, .finished])
        XCTAssertEqual(Set(sweeps.compactMap(\.dataVersion)).count, 2)
        let trials = try store.trials(matching: TrialQuery())
        XCTAssertEqual(trials.count, 8)
        XCTAssertEqual(Set(trials.compactMap(\.worker)).count, 1, "one worker ran every trial")
        let registry = try RungProcess.run(["registry", "ls", "--artifacts", "s3://acme-ml/rung"], environment: services)
        XCTAssertEqual(registry.status, 0, registry.stderr)
        XCTAssertTrue(registry.stdout.contains("xgboost") && registry.stdout.contains("production"), registry.stdout)
    }

    /// The commands of a block: each line without its comment and surrounding spaces.
    static func commands(_ block: String) -> [String] {
        block.split(separator: "\n").map { line in
            String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]).trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    static func utcDay() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}

/// A walk-through step that could not even start.
struct WalkthroughError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
