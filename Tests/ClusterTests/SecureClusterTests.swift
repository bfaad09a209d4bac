import Foundation
import RungStore
import XCTest

/// The production-like cluster of issue 5: a head on PostgreSQL with its artifacts and the
/// prepared splits in S3 (moto, signatures checked), workers and a CLI client on other
/// hosts authenticated with CURVE keys, and an intruder whose key the head does not know.
final class SecureClusterTests: ClusterTestCase {
    func testPostgresS3AndCurveKeysRunASweepAndRefuseAnUnknownKey() throws {
        let cluster = try NamespaceCluster(self, workers: 4)
        let services = try ClusterServices(self, address: "\(cluster.subnet).254",
                                           root: cluster.root.appendingPathComponent("services"))
        cluster.extraEnvironment = services.s3Environment
        cluster.storeURL = services.postgresURL
        cluster.artifactsURI = "s3://\(services.bucket)/rung"

        // Keys: the head's directory, one per worker and one for the operator's CLI; w4's
        // key is never authorized.
        let headKeys = cluster.root.appendingPathComponent("keys-head")
        try rung(cluster, ["keys", "generate", headKeys.path, "--role", "head"])
        func peerKeys(_ name: String, authorize: Bool) throws -> URL {
            let dir = cluster.root.appendingPathComponent("keys-\(name)")
            try rung(cluster, ["keys", "generate", dir.path, "--name", name])
            try FileManager.default.copyItem(at: headKeys.appendingPathComponent("head.pub"), to: dir.appendingPathComponent("head.pub"))
            if authorize { try rung(cluster, ["keys", "authorize", headKeys.path, dir.appendingPathComponent("\(name).pub").path]) }
            return dir
        }
        let workerKeys = try (1...3).map { try peerKeys("w\($0)", authorize: true) }
        let intruderKeys = try peerKeys("w4", authorize: false)
        let opsKeys = try peerKeys("ops", authorize: true)
        cluster.headSecurity = ["--keys", headKeys.path]

        // The operator prepares the splits straight into S3 from a worker host.
        let prepared = "s3://\(services.bucket)/rung/prepared/diabetes"
        let csv = try XCTUnwrap(Self.datasetCSV(), "the dataset is needed")
        let prepare = try cluster.run(on: "w1", ["data", "prepare", "--source", csv.path, "--recipe",
                                                 NamespaceCluster.packageRoot.appendingPathComponent("Config/datasets/diabetes.yaml").path,
                                                 "--out", prepared])
        XCTAssertEqual(prepare.status, 0, "rung data prepare --out s3://: \(prepare.stderr)")

        try cluster.startHead()
        for i in 1...3 { try cluster.startWorker("w\(i)", on: "w\(i)", extra: ["--keys", workerKeys[i - 1].path]) }
        let intruder = try cluster.startWorker("w4", on: "w4", extra: ["--keys", intruderKeys.path])
        try waitUntil("three workers joined", timeout: 40, cluster) {
            try withStore(cluster) { try $0.workers(statuses: [.active]).count >= 3 }
        }

        let config = cluster.root.appendingPathComponent("secure.yaml")
        try sweepYAML(name: "secure", prepared: prepared).write(to: config, atomically: true, encoding: .utf8)
        let unauthenticated = try cluster.run(on: "w3", ["sweep", "submit", config.path, "--head", cluster.headEndpoint, "--json"])
        XCTAssertEqual(unauthenticated.status, 69, "a client without keys is refused: \(unauthenticated.stdout) \(unauthenticated.stderr)")
        let submitted = try cluster.run(on: "w3", ["sweep", "submit", config.path, "--head", cluster.headEndpoint,
                                                   "--keys", opsKeys.path, "--json"])
        XCTAssertEqual(submitted.status, 0, "rung sweep submit --keys: \(submitted.stderr)")
        let reply = try JSONSerialization.jsonObject(with: Data(submitted.stdout.utf8)) as? [String: Any]
        let id = try XCTUnwrap((reply?["sweep"] as? NSNumber)?.int64Value, "sweep id in \(submitted.stdout)")

        // Restart PostgreSQL once a trial has ended: the head reconnects and loses nothing.
        try waitUntil("a trial ended", timeout: 60, cluster) {
            try withStore(cluster) { try $0.trials(sweepID: id).contains { $0.status.isTerminal } }
        }
        try services.restartPostgres()
        try waitForSweep(id, cluster, timeout: 120)

        let trials = try assertEveryTrialAccountedFor(id, cluster)
        XCTAssertTrue(Set(trials.compactMap(\.worker)).isSubset(of: ["w1", "w2", "w3"]), "only authorized workers ran trials")
        assertNoTrialRanTwice(trials, cluster, workers: ["w1", "w2", "w3"])
        XCTAssertNil(try withStore(cluster) { try $0.worker(name: "w4") }, "the intruder never joined")
        XCTAssertTrue(intruder.isRunning || intruder.terminationStatus != 0, "the intruder got no welcome")
        let headLog = cluster.log("head")
        XCTAssertTrue(headLog.contains("refused a connection from \(cluster.subnet).14"),
                      "the head says it refused w4's key:\n\(headLog)")

        // The registered models are in S3, and their files are there.
        let versions = try withStore(cluster) { try $0.modelVersions(family: nil) }
        XCTAssertEqual(Set(versions.map(\.family)), ["xgboost", "logistic_regression"])
        for v in versions {
            XCTAssertTrue(v.uri.hasPrefix("s3://\(services.bucket)/rung/registry/\(v.family)/v"), "version uri \(v.uri)")
        }
        let listed = try ClusterServices.run(ClusterServices.python, ["-c", """
            import boto3
            s3 = boto3.client("s3", endpoint_url="\(services.s3Endpoint)", region_name="us-east-1",
                              aws_access_key_id="\(services.accessKey)", aws_secret_access_key="\(services.secretKey)")
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket="\(services.bucket)", Prefix="rung/registry/"):
                for o in page.get("Contents", []): print(o["Key"])
            """])
        for v in versions {
            for file in ["model.json", "preprocessor.json", "metadata.json"] {
                XCTAssertTrue(listed.1.contains("rung/registry/\(v.family)/v\(v.version)/\(file)"), "\(file) of \(v.family) v\(v.version) in S3: \(listed.1)")
            }
        }

        // The database password appears in no log and no output.
        let ls = try cluster.run(on: "head", ["sweep", "ls", "--db", services.postgresURL, "--json"])
        XCTAssertEqual(ls.status, 0, "rung sweep ls on PostgreSQL: \(ls.stderr)")
        XCTAssertTrue(ls.stdout.contains("secure"))
        for text in [ls.stdout, ls.stderr, cluster.allLogs(lastLines: 100_000)] {
            XCTAssertFalse(text.contains(services.postgresPassword), "the PostgreSQL password leaked:\n\(text.suffix(2000))")
        }
    }

    /// Runs `rung args…` on the head host and fails the test unless it exits 0.
    private func rung(_ cluster: NamespaceCluster, _ args: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try cluster.run(on: "head", args)
        XCTAssertEqual(result.status, 0, "rung \(args.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        if result.status != 0 { throw ClientError("rung \(args.first ?? "") failed") }
    }
}
