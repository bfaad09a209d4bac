import Foundation
import XCTest

/// A head and workers as real `rung` processes in their own network namespaces, made with
/// cluster/local/up.sh under a prefix and /24 unique to this test, and removed (processes
/// killed, namespaces deleted) in the test's teardown.
final class NamespaceCluster {
    /// The package root, derived from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `rung` binary next to the test bundle (`swift build --build-tests` builds both).
    static var rungExecutable: URL {
        let bundle = Bundle.main.bundleURL
        for dir in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("rung")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/rung")
    }

    static var scripts: URL { packageRoot.appendingPathComponent("cluster/local") }

    let prefix: String
    let subnet: String
    let root: URL
    let port: Int
    private(set) var processes: [String: Process] = [:]

    /// The head's endpoint as workers and clients reach it.
    var headEndpoint: String { "tcp://\(subnet).1:\(port)" }
    var storePath: String { root.appendingPathComponent("rung.db").path }
    /// The store the head writes: the SQLite file `storePath` unless a test sets another URL.
    lazy var storeURL = "sqlite:" + storePath
    /// The artifacts location the head uses: a local directory unless a test sets a URI.
    lazy var artifactsURI = artifacts.path
    /// Extra arguments for the head (e.g. `--keys DIR`); `--insecure` is passed while it is empty.
    var headSecurity: [String] = []
    /// Extra environment for every process (e.g. S3 credentials).
    var extraEnvironment: [String: String] = [:]
    var artifacts: URL { root.appendingPathComponent("artifacts") }

    /// Creates the namespaces (`workers` worker hosts) or fails/skips the test when that is
    /// impossible (not root): set RUNG_SKIP_CLUSTER_TESTS=1 to skip instead of failing.
    init(_ test: XCTestCase, workers: Int) throws {
        if getuid() != 0 || !FileManager.default.isExecutableFile(atPath: Self.ipPath) {
            let why = getuid() != 0 ? "the cluster tests create network namespaces and must run as root"
                                    : "the cluster tests need the ip command (iproute2)"
            if ProcessInfo.processInfo.environment["RUNG_SKIP_CLUSTER_TESTS"] == "1" {
                throw XCTSkip("\(why) (skipped: RUNG_SKIP_CLUSTER_TESTS=1)")
            }
            XCTFail("\(why); set RUNG_SKIP_CLUSTER_TESTS=1 to skip them")
            throw CocoaError(.featureUnsupported)
        }
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        prefix = "rc\(tag)-"
        subnet = "10.77.\(Int.random(in: 1...250))"
        port = Int.random(in: 20_000...40_000)
        root = FileManager.default.temporaryDirectory.appendingPathComponent("rung-cluster-\(tag)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        test.addTeardownBlock { [self] in tearDown(test) }
        let up = try script("up.sh", [String(workers)])
        guard up.status == 0 else {
            _ = try? script("down.sh", [])
            let why = "cluster/local/up.sh \(workers) could not create the network namespaces (\(up.status)): \(up.output)"
            if ProcessInfo.processInfo.environment["RUNG_SKIP_CLUSTER_TESTS"] == "1" {
                throw XCTSkip("\(why) (skipped: RUNG_SKIP_CLUSTER_TESTS=1)")
            }
            XCTFail("\(why); set RUNG_SKIP_CLUSTER_TESTS=1 to skip the cluster tests")
            throw CocoaError(.featureUnsupported)
        }
    }

    static var ipPath: String {
        ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/ip"
    }

    private var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["RUNG_NETNS_PREFIX"] = prefix
        env["RUNG_NETNS_SUBNET"] = subnet
        env["NO_COLOR"] = "1"
        env["OMP_WAIT_POLICY"] = "passive"
        env.merge(extraEnvironment) { $1 }
        return env
    }

    /// Runs one of the cluster/local scripts to completion.
    func script(_ name: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [Self.scripts.appendingPathComponent(name).path] + args
        p.environment = environment
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Starts `rung args…` on `host` (head, w1, w2, …) in the background; its output goes to
    /// `<root>/<label>.log`. The process id is the rung process itself (`ip netns exec` execs).
    @discardableResult
    func start(_ label: String, on host: String, _ args: [String], environment extra: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.ipPath)
        p.arguments = ["netns", "exec", prefix + host, Self.rungExecutable.path] + args
        p.environment = environment.merging(extra) { $1 }
        p.currentDirectoryURL = root
        let log = logURL(label)
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        processes[label] = p
        return p
    }

    /// Runs `rung args…` on `host` to completion and returns its status and stdout.
    func run(on host: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.ipPath)
        p.arguments = ["netns", "exec", prefix + host, Self.rungExecutable.path] + args
        p.environment = environment
        p.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let errData = LockedBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.get(), as: UTF8.self))
    }

    func logURL(_ label: String) -> URL { root.appendingPathComponent("\(label).log") }

    /// A process's log so far (for failure messages and checks).
    func log(_ label: String) -> String {
        (try? String(contentsOf: logURL(label), encoding: .utf8)) ?? ""
    }

    /// Starts the head on the head host.
    @discardableResult
    func startHead(label: String = "head", environment: [String: String] = [:]) throws -> Process {
        try start(label, on: "head", ["head", "--listen", "tcp://\(subnet).1:\(port)"]
                  + (headSecurity.isEmpty ? ["--insecure"] : headSecurity)
                  + ["--db", storeURL, "--artifacts", artifactsURI, "--heartbeat-ms", "200", "--lost-after-ms", "1500"],
                  environment: environment)
    }

    /// Starts a one-slot worker named `name` on host `host` (connecting to `head`, the head's
    /// endpoint unless a test puts something in between).
    @discardableResult
    func startWorker(_ name: String, on host: String, head: String? = nil, extra: [String] = []) throws -> Process {
        try start(name, on: host, ["worker", "--head", head ?? headEndpoint, "--slots", "1", "--name", name,
                               "--cache", root.appendingPathComponent("cache-\(name)").path] + extra)
    }

    /// Runs cluster/local/fault.sh (`loss HOST PERCENT`, `partition HOST`, `heal HOST`).
    func fault(_ args: String...) throws {
        let result = try script("fault.sh", args)
        guard result.status == 0 else { throw ClientError("fault.sh \(args.joined(separator: " ")): \(result.output)") }
    }

    /// Starts a process that is not rung (e.g. the delay proxy) in the root namespace; it is
    /// killed with the cluster.
    func startHelper(_ label: String, _ executable: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        let log = logURL(label)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        processes[label] = p
    }

    /// SIGKILLs a process started here.
    func kill9(_ label: String) {
        guard let p = processes[label], p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// Every log, for a failure message.
    func allLogs(lastLines: Int = 40) -> String {
        processes.keys.sorted().map { label in
            let lines = log(label).split(separator: "\n", omittingEmptySubsequences: false).suffix(lastLines)
            return "--- \(label) ---\n" + lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private func tearDown(_ test: XCTestCase) {
        for p in processes.values where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        for p in processes.values { p.waitUntilExit() }
        let down = try? script("down.sh", [])
        if down?.status != 0 { print("cluster/local/down.sh failed: \(down?.output ?? "")") }
        if ProcessInfo.processInfo.environment["RUNG_KEEP_CLUSTER_TESTS"] != "1" {
            try? FileManager.default.removeItem(at: root)
        }
    }
}

/// A `Data` box one thread writes and another reads after a `DispatchGroup` wait.
final class LockedBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
