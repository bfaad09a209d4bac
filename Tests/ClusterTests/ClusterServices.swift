import Foundation
import XCTest

/// The real services a production-like cluster uses, started for one test on the address
/// of the cluster's bridge (so every namespace host reaches them): a throwaway PostgreSQL
/// server with a password, and moto (an S3-compatible server) with SigV4 checking on.
/// Both are stopped, and their files removed, in the test's teardown.
final class ClusterServices {
    /// The PostgreSQL URL (with its password) the head is given.
    let postgresURL: String
    /// The password in `postgresURL`, which must never show up in logs or output.
    let postgresPassword: String
    /// The S3 endpoint, e.g. `http://10.77.5.254:23456`.
    let s3Endpoint: String
    /// Credentials of the moto IAM user the cluster signs with.
    let accessKey: String
    let secretKey: String
    /// A bucket created for the test.
    let bucket = "rung-cluster"

    private let root: URL
    private var moto: Process?
    private let pgData: URL

    static var pgBin: URL { URL(fileURLWithPath: "/usr/lib/postgresql/15/bin") }

    /// Starts both services on `address`; fails the test with the reason if either cannot start.
    init(_ test: XCTestCase, address: String, root: URL) throws {
        self.root = root
        pgData = root.appendingPathComponent("pg/data")
        postgresPassword = "pw-" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        let pgPort = Int.random(in: 41_000...45_000)
        let s3Port = Int.random(in: 45_001...49_000)
        s3Endpoint = "http://\(address):\(s3Port)"
        postgresURL = "postgresql://rung:\(postgresPassword)@\(address):\(pgPort)/rung"

        try Self.startPostgres(root: root.appendingPathComponent("pg"), address: address, port: pgPort, password: postgresPassword)
        let motoProcess = try Self.startMoto(address: address, port: s3Port, log: root.appendingPathComponent("moto.log"))
        moto = motoProcess
        let keys = try Self.configureMoto(endpoint: s3Endpoint, bucket: bucket)
        accessKey = keys.0
        secretKey = keys.1
        test.addTeardownBlock { [self] in stop() }
    }

    /// The environment a rung process needs to reach the S3 server as the test's IAM user.
    var s3Environment: [String: String] {
        ["RUNG_S3_ENDPOINT": s3Endpoint, "AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey,
         "AWS_REGION": "us-east-1", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"]
    }

    func stop() {
        if let moto, moto.isRunning { kill(moto.processIdentifier, SIGKILL); moto.waitUntilExit() }
        _ = try? Self.runAsPostgres([Self.pgBin.appendingPathComponent("pg_ctl").path, "-D", pgData.path, "-m", "immediate", "-w", "stop"])
    }

    /// Restarts the PostgreSQL server (fast shutdown: every connection is cut).
    func restartPostgres() throws {
        try Self.check(Self.runAsPostgres([Self.pgBin.appendingPathComponent("pg_ctl").path, "-D", pgData.path,
                                           "-l", pgData.deletingLastPathComponent().appendingPathComponent("server.log").path,
                                           "-m", "fast", "-w", "-t", "30", "restart"]), "pg_ctl restart")
    }

    // MARK: PostgreSQL

    private static func startPostgres(root: URL, address: String, port: Int, password: String) throws {
        guard FileManager.default.isExecutableFile(atPath: pgBin.appendingPathComponent("initdb").path) else {
            throw ClientError("PostgreSQL 15 is not installed (no \(pgBin.path)/initdb): run scripts/install-deps --test")
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let pwfile = root.appendingPathComponent("pwfile")
        try Data((password + "\n").utf8).write(to: pwfile)
        _ = try run("/bin/chown", ["-R", "postgres:postgres", root.path])
        try check(runAsPostgres([pgBin.appendingPathComponent("initdb").path, "-D", root.appendingPathComponent("data").path,
                                 "-U", "rung", "--pwfile", pwfile.path, "-A", "scram-sha-256", "--no-sync"]), "initdb")
        // Connections from the namespace hosts arrive over the bridge: allow them with a password.
        let hba = root.appendingPathComponent("data/pg_hba.conf")
        var text = try String(contentsOf: hba, encoding: .utf8)
        text += "\nhost all all 0.0.0.0/0 scram-sha-256\n"
        try text.write(to: hba, atomically: true, encoding: .utf8)
        _ = try run("/bin/chown", ["postgres:postgres", hba.path])
        try check(runAsPostgres([pgBin.appendingPathComponent("pg_ctl").path, "-D", root.appendingPathComponent("data").path,
                                 "-l", root.appendingPathComponent("server.log").path, "-w", "-t", "30", "-o",
                                 "-c listen_addresses=\(address) -p \(port) -c unix_socket_directories=\(root.path) -c fsync=off",
                                 "start"]), "pg_ctl start")
        try check(runAsPostgres([pgBin.appendingPathComponent("createdb").path, "-h", address, "-p", String(port), "-U", "rung", "rung"],
                                environment: ["PGPASSWORD": password]), "createdb")
    }

    private static func runAsPostgres(_ args: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        try run("/usr/sbin/runuser", ["-u", "postgres", "--"] + args, environment: environment)
    }

    // MARK: moto

    private static func startMoto(address: String, port: Int, log: URL) throws -> Process {
        let server = motoServer()
        guard FileManager.default.isExecutableFile(atPath: server.path) else {
            throw ClientError("moto_server is not installed (looked for \(server.path)): run scripts/install-deps --test")
        }
        let p = Process()
        p.executableURL = server
        p.arguments = ["-H", address, "-p", String(port)]
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let probe = "import urllib.request; urllib.request.urlopen('http://\(address):\(port)/moto-api/', timeout=1)"
            if (try? run(python, ["-c", probe]))?.0 == 0 { return p }
            usleep(100_000)
        }
        kill(p.processIdentifier, SIGKILL)
        throw ClientError("moto_server did not answer on \(address):\(port) within 20 s")
    }

    /// The Python of moto's venv (it has boto3).
    static var python: String { motoServer().deletingLastPathComponent().appendingPathComponent("python").path }

    /// The moto_server next to the Python that runs the tests (RUNG_PYTHON), else the package's .venv.
    static func motoServer() -> URL {
        if let python = ProcessInfo.processInfo.environment["RUNG_PYTHON"] {
            return URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("moto_server")
        }
        return NamespaceCluster.packageRoot.appendingPathComponent(".venv/bin/moto_server")
    }

    /// Creates an IAM user with an allow-all policy and a key, creates the bucket, then
    /// switches moto's request-signature checking on. Returns the key and secret.
    private static func configureMoto(endpoint: String, bucket: String) throws -> (String, String) {
        let script = """
        import boto3, json, urllib.request
        kw = dict(endpoint_url="\(endpoint)", region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
        iam = boto3.client("iam", **kw)
        iam.create_user(UserName="rung")
        iam.put_user_policy(UserName="rung", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="rung")["AccessKey"]
        boto3.client("s3", **kw).create_bucket(Bucket="\(bucket)")
        req = urllib.request.Request("\(endpoint)/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req).read()
        print(key["AccessKeyId"], key["SecretAccessKey"])
        """
        let (status, output) = try run(python, ["-c", script])
        let parts = output.split(whereSeparator: \.isWhitespace).map(String.init)
        guard status == 0, parts.count >= 2 else { throw ClientError("setting up moto failed (\(status)): \(output)") }
        return (parts[parts.count - 2], parts[parts.count - 1])
    }

    // MARK: Processes

    /// Runs a tool to completion and returns its status and output. posix_spawn and waitpid
    /// rather than Foundation's Process, with the output in a file: a server that pg_ctl starts
    /// in the background inherits whatever the tool had open, which makes a pipe never reach
    /// its end and has been seen to keep Process from noticing the exit.
    @discardableResult
    static func run(_ tool: String, _ args: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rung-services-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = ([tool] + args).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tool, &actions, nil, &argv, &envp)
        guard spawned == 0 else { throw ClientError("cannot run \(tool): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (code, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    private static func check(_ result: (Int32, String), _ what: String) throws {
        guard result.0 == 0 else { throw ClientError("\(what) failed (\(result.0)): \(result.1)") }
    }
}
