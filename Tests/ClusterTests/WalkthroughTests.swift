import Foundation
import RungStore
import XCTest

/// The documented walk-throughs, run as written so that the docs cannot drift from the code.
/// What changes is only what must: the `rung` binary is the one under test, the namespace
/// prefix, subnet and /tmp paths are this run's own, `sudo` is dropped (the tests run as
/// root), and the sweep is a small one on the same data source (the full readmission
/// sweep would take minutes in a debug build).
final class WalkthroughTests: XCTestCase {
    /// The first fenced `sh` block after `heading` in `file`.
    static func block(after heading: String, in file: URL) throws -> String {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let start = text.range(of: heading),
              let open = text.range(of: "```sh\n", range: start.upperBound..<text.endIndex),
              let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex) else {
            throw ClientError("no sh block after \(heading) in \(file.path)")
        }
        return String(text[open.upperBound..<close.lowerBound])
    }

    func testTheLocalClusterWalkthroughRunsAsWritten() throws {
        guard getuid() == 0 else {
            if ProcessInfo.processInfo.environment["RUNG_SKIP_CLUSTER_TESTS"] == "1" { throw XCTSkip("needs root") }
            return XCTFail("the walk-through creates network namespaces and must run as root; set RUNG_SKIP_CLUSTER_TESTS=1 to skip")
        }
        let root = NamespaceCluster.packageRoot
        var script = try Self.block(after: "## A four-host cluster", in: root.appendingPathComponent("cluster/local/README.md"))
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let subnet = "10.78.\(Int.random(in: 1...250))"
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("rung-walkthrough-\(tag)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let env = ["RUNG_NETNS_PREFIX": "rw\(tag)-", "RUNG_NETNS_SUBNET": subnet, "NO_COLOR": "1", "OMP_WAIT_POLICY": "passive"]
        addTeardownBlock {
            _ = try? Self.bash("cluster/local/down.sh", in: root, environment: env, timeout: 60)
            if ProcessInfo.processInfo.environment["RUNG_KEEP_CLUSTER_TESTS"] != "1" { try? FileManager.default.removeItem(at: tmp) }
        }

        // A small sweep on the same data source, prepared by the head from RUNG_DATASETS.
        let sweep = tmp.appendingPathComponent("small.yaml")
        try """
        name: walkthrough
        seed: 5
        data:
          source: uci-diabetes-130
          recipe: \(root.appendingPathComponent("Config/datasets/diabetes.yaml").path)
        metric: {name: val_auc, mode: max}
        searcher: {type: random}
        scheduler: {type: asha, max_epochs: 2, grace_period: 1, reduction_factor: 2}
        families:
          logistic_regression:
            trials: 3
            epoch: {rounds: 2}
            space: {reg_lambda: {type: loguniform, low: 0.001, high: 1}}
        """.write(to: sweep, atomically: true, encoding: .utf8)

        let datasets = ClusterTestCase.datasets.split(separator: ":").first.map(String.init) ?? ""
        script = script
            .replacingOccurrences(of: "swift build -c release", with: "true")
            .replacingOccurrences(of: "RUNG=$PWD/.build/release/rung", with: "RUNG=\(NamespaceCluster.rungExecutable.path)")
            .replacingOccurrences(of: "sudo ", with: "")
            .replacingOccurrences(of: "10.77.0.", with: subnet + ".")
            .replacingOccurrences(of: "/tmp/rung-cluster", with: tmp.path)
            .replacingOccurrences(of: "$PWD/../shared/data", with: datasets)
            .replacingOccurrences(of: "Config/health-predict.yaml", with: sweep.path)
        XCTAssertTrue(script.contains("RUNG_DATASETS=\(datasets) cluster/local/exec.sh head $RUNG head"),
                      "the head is the process that needs RUNG_DATASETS:\n\(script)")
        let result = try Self.bash("set -e\n" + script, in: root, environment: env, timeout: 240)
        XCTAssertEqual(result.status, 0, "the walk-through failed:\n\(script)\n--- output ---\n\(result.output)")
        XCTAssertTrue(result.output.contains("finished"), result.output)
        let store = try openStore(url: "sqlite:" + tmp.appendingPathComponent("rung.db").path, readOnly: true)
        defer { store.close() }
        let trials = try store.trials(matching: TrialQuery())
        XCTAssertEqual(trials.count, 3)
        XCTAssertEqual(Set(trials.compactMap(\.worker)).isSubset(of: ["w1", "w2", "w3"]), true)
    }

    /// Runs `bash -c script` in `directory`, killed after `timeout` seconds. Spawned and
    /// reaped with posix_spawn and waitpid: the script leaves background processes (the head,
    /// the workers) that keep its output open, and Foundation's `Process` does not report the
    /// script's own exit while they do.
    static func bash(_ script: String, in directory: URL, environment: [String: String],
                     timeout: TimeInterval) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("rung-walkthrough-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let command = "cd '\(directory.path)' && " + (script.hasSuffix(".sh") && !script.contains("\n") ? "bash \(script)" : script)
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        env.sort()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        func cString(_ text: String) -> UnsafeMutablePointer<CChar>? { text.withCString { strdup($0) } }
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/bash", "-c", command].map(cString) + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map(cString) + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, envp)
        guard rc == 0 else { throw ClientError("cannot start bash: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(100_000)  // polling with a deadline
        }
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
