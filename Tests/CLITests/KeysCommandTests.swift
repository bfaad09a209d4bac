import Foundation
import XCTest

/// `rung keys`, and `rung head/worker/sweep --keys`: CURVE-authenticated links as a user runs them.
final class KeysCommandTests: XCTestCase {
    private func mode(_ url: URL) throws -> Int {
        try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    /// Head keys in dir/head, one authorized client `alice`, one unknown `mallory`.
    private func makeKeys(in dir: URL) throws -> (head: URL, alice: URL, mallory: URL) {
        let head = dir.appendingPathComponent("head"), alice = dir.appendingPathComponent("alice"),
            mallory = dir.appendingPathComponent("mallory")
        for args in [["keys", "generate", head.path, "--role", "head"],
                     ["keys", "generate", alice.path, "--name", "alice", "--role", "client"],
                     ["keys", "generate", mallory.path, "--name", "mallory", "--role", "worker"],
                     ["keys", "authorize", head.path, alice.appendingPathComponent("alice.pub").path]] {
            let r = try RungProcess.run(args)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        }
        for peer in [alice, mallory] {
            try FileManager.default.copyItem(at: head.appendingPathComponent("head.pub"), to: peer.appendingPathComponent("head.pub"))
        }
        return (head, alice, mallory)
    }

    func testGenerateWritesASecretAndAPublicFileWithTheirModesAndRefusesToOverwrite() throws {
        let dir = try RungProcess.temporaryDirectory(self).appendingPathComponent("keys")
        let r = try RungProcess.run(["keys", "generate", dir.path, "--name", "worker-1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let secret = dir.appendingPathComponent("worker-1.key"), pub = dir.appendingPathComponent("worker-1.pub")
        XCTAssertEqual(try mode(secret), 0o600)
        XCTAssertEqual(try mode(pub), 0o644)
        XCTAssertEqual(try mode(dir), 0o700, "a new key directory is private")
        XCTAssertTrue(r.stdout.contains(secret.path) && r.stdout.contains(pub.path), r.stdout)
        XCTAssertTrue(r.stdout.contains("rung keys authorize"), "says what to copy where: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("head.pub"), r.stdout)
        let publicText = try String(contentsOf: pub, encoding: .utf8)
        let secretText = try String(contentsOf: secret, encoding: .utf8)
        let publicKey = try XCTUnwrap(publicText.split(separator: "\n").last.map(String.init))
        XCTAssertEqual(publicKey.count, 40)
        XCTAssertTrue(r.stdout.contains(publicKey), r.stdout)
        XCTAssertFalse(r.stdout.contains(String(secretText.split(separator: "\n").last!)), "the secret key is never printed")

        let again = try RungProcess.run(["keys", "generate", dir.path, "--name", "worker-1"])
        XCTAssertEqual(again.status, 64, again.stderr)
        XCTAssertTrue(again.stderr.contains("--force"), again.stderr)
        XCTAssertEqual(try String(contentsOf: secret, encoding: .utf8), secretText, "a refused overwrite keeps the old key")
        let forced = try RungProcess.run(["keys", "generate", dir.path, "--name", "worker-1", "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(try String(contentsOf: secret, encoding: .utf8), secretText)

        let head = try RungProcess.run(["keys", "generate", dir.deletingLastPathComponent().appendingPathComponent("h").path, "--role", "head"])
        XCTAssertEqual(head.status, 0, head.stderr)
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("h/authorized").path, isDirectory: &isDir) && isDir.boolValue)
        let misnamed = try RungProcess.run(["keys", "generate", dir.path, "--role", "head", "--name", "boss"])
        XCTAssertEqual(misnamed.status, 64, misnamed.stderr)
    }

    func testAuthorizeCopiesAPublicKeyAndRefusesSecretOrMalformedOnes() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let keys = try makeKeys(in: dir)
        let copied = keys.head.appendingPathComponent("authorized/alice.pub")
        XCTAssertEqual(try mode(copied), 0o644)
        let secret = try RungProcess.run(["keys", "authorize", keys.head.path, keys.mallory.appendingPathComponent("mallory.key").path])
        XCTAssertEqual(secret.status, 64, secret.stderr)
        XCTAssertTrue(secret.stderr.contains("secret key"), secret.stderr)
        let bad = dir.appendingPathComponent("bad.pub")
        try "# not a key\nthis-is-not-z85-at-all~~~~~~~~~~~~~~~~~~\n".write(to: bad, atomically: true, encoding: .utf8)
        let malformed = try RungProcess.run(["keys", "authorize", keys.head.path, bad.path])
        XCTAssertEqual(malformed.status, 65, malformed.stderr)
        XCTAssertTrue(malformed.stderr.contains("bad.pub line 2"), malformed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: keys.head.appendingPathComponent("authorized/bad.pub").path))
    }

    func testAHeadWithKeysServesAuthorizedClientsAndRefusesOthersWithExit69() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let keys = try makeKeys(in: dir)
        let data = try RungProcess.syntheticPreparedData(in: dir)
        let config = dir.appendingPathComponent("sweep.yaml")
        try """
        name: curve-cli-test
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 2
            space: {max_depth: {type: int, low: 2, high: 4}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let endpoint = try RungProcess.freeEndpoint()
        let headLog = dir.appendingPathComponent("head.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: headLog.path, contents: nil))
        let head = Process()
        head.executableURL = RungProcess.executable
        head.arguments = ["head", "--listen", endpoint, "--keys", keys.head.path, "--db", "sqlite:\(dir.path)/rung.db",
                          "--artifacts", dir.appendingPathComponent("artifacts").path]
        head.standardOutput = FileHandle.nullDevice
        head.standardError = try FileHandle(forWritingTo: headLog)
        try head.run()
        defer { if head.isRunning { head.terminate() }; head.waitUntilExit() }

        let submit = try RungProcess.run(["sweep", "submit", config.path, "--head", endpoint, "--keys", keys.alice.path])
        XCTAssertEqual(submit.status, 0, submit.stderr)
        let id = try XCTUnwrap(Int(submit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), submit.stdout)
        let cancel = try RungProcess.run(["sweep", "cancel", "\(id)", "--head", endpoint], environment: ["RUNG_KEYS": keys.alice.path])
        XCTAssertEqual(cancel.status, 0, "RUNG_KEYS works like --keys: \(cancel.stderr)")

        let plain = try RungProcess.run(["sweep", "submit", config.path, "--head", endpoint], environment: ["RUNG_KEYS": ""])
        XCTAssertEqual(plain.status, 69, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("requires CURVE keys") && plain.stderr.contains("--keys"), plain.stderr)

        let unknown = try RungProcess.run(["sweep", "cancel", "\(id)", "--head", endpoint, "--keys", keys.mallory.path])
        XCTAssertEqual(unknown.status, 69, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("cannot authenticate to head at \(endpoint)"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("mallory.pub"), unknown.stderr)

        // A worker with an unknown key says why it hears nothing, and keeps trying.
        let worker = Process()
        worker.executableURL = RungProcess.executable
        worker.arguments = ["worker", "--head", endpoint, "--keys", keys.mallory.path, "--slots", "1",
                            "--cache", dir.appendingPathComponent("cache").path]
        let workerLog = dir.appendingPathComponent("worker.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: workerLog.path, contents: nil))
        worker.standardError = try FileHandle(forWritingTo: workerLog)
        worker.standardOutput = FileHandle.nullDevice
        try worker.run()
        defer { if worker.isRunning { worker.terminate() }; worker.waitUntilExit() }
        waitUntil("the worker says it cannot authenticate", timeout: 20, detail: RungProcess.text(of: workerLog)) {
            let text = RungProcess.text(of: workerLog)
            return text.contains("cannot authenticate to head at \(endpoint)") && text.contains("mallory")
        }
        worker.interrupt()
        worker.waitUntilExit()
        let workerText = RungProcess.text(of: workerLog)
        XCTAssertTrue(workerText.contains("cannot authenticate to head at \(endpoint)") && workerText.contains("mallory"), workerText)
        XCTAssertFalse(workerText.contains("joined head"), workerText)

        head.interrupt()
        head.waitUntilExit()
        XCTAssertEqual(head.terminationStatus, 0)
        let log = try String(contentsOf: headLog, encoding: .utf8)
        XCTAssertTrue(log.contains("1 authorized key(s)") && log.contains("alice"), log)
        let refusals = log.split(separator: "\n").filter { $0.contains("refused a connection from 127.0.0.1 with unknown key") }
        XCTAssertEqual(refusals.count, 1, "mallory's CLI and worker attempts are one log line within a minute: \(log)")
        XCTAssertTrue(refusals.first?.contains(keys.head.appendingPathComponent("authorized").path) ?? false, log)
    }

    func testARefusedWorkerGetsInOnceItsKeyIsAuthorizedAndASweepFinishesOverCurve() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let keys = try makeKeys(in: dir)
        let data = try RungProcess.syntheticPreparedData(in: dir)
        let config = dir.appendingPathComponent("sweep.yaml")
        try """
        name: curve-e2e
        data: {prepared: \(data.path)}
        metric: {name: val_auc, mode: max}
        scheduler: {type: fifo, max_epochs: 2}
        families:
          xgboost:
            trials: 2
            epoch: {rounds: 2}
            space: {max_depth: {type: int, low: 2, high: 4}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let endpoint = try RungProcess.freeEndpoint()
        let head = Process()
        head.executableURL = RungProcess.executable
        head.arguments = ["head", "--listen", endpoint, "--keys", keys.head.path, "--db", "sqlite:\(dir.path)/rung.db",
                          "--artifacts", dir.appendingPathComponent("artifacts").path]
        head.standardOutput = FileHandle.nullDevice
        head.standardError = FileHandle.nullDevice
        try head.run()
        defer { if head.isRunning { head.terminate() }; head.waitUntilExit() }

        let workerLog = dir.appendingPathComponent("worker.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: workerLog.path, contents: nil))
        let worker = Process()
        worker.executableURL = RungProcess.executable
        worker.arguments = ["worker", "--head", endpoint, "--keys", keys.mallory.path, "--slots", "1", "--name", "w-mallory",
                            "--cache", dir.appendingPathComponent("cache").path]
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = try FileHandle(forWritingTo: workerLog)
        try worker.run()
        defer { if worker.isRunning { worker.terminate() }; worker.waitUntilExit() }
        func workerText() -> String { RungProcess.text(of: workerLog) }
        waitUntil("the worker says it cannot authenticate", timeout: 20, detail: workerText()) {
            workerText().contains("cannot authenticate")
        }
        XCTAssertTrue(workerText().contains("cannot authenticate to head"), workerText())

        // Let the key in while everything runs: the worker retries and joins without a restart.
        let authorize = try RungProcess.run(["keys", "authorize", keys.head.path, keys.mallory.appendingPathComponent("mallory.pub").path])
        XCTAssertEqual(authorize.status, 0, authorize.stderr)
        // A watchdog so a worker that never joins fails the test instead of hanging it.
        let watchdog = DispatchWorkItem { [head] in if head.isRunning { head.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        defer { watchdog.cancel() }
        let submit = try RungProcess.run(["sweep", "submit", config.path, "--head", endpoint, "--keys", keys.alice.path, "--wait"])
        XCTAssertEqual(submit.status, 0, submit.stderr + submit.stdout)
        XCTAssertTrue(submit.stdout.contains("finished"), submit.stdout)
        XCTAssertTrue(workerText().contains("joined head at \(endpoint) as w-mallory"), workerText())
        XCTAssertTrue(workerText().contains("finished after epoch 2"), workerText())
        worker.interrupt()
        worker.waitUntilExit()
        head.interrupt()
        head.waitUntilExit()
    }

    func testKeyDirectoryMistakesAreClearErrors() throws {
        let dir = try RungProcess.temporaryDirectory(self)
        let keys = try makeKeys(in: dir)
        let noHeadKey = try RungProcess.run(["head", "--keys", keys.alice.path, "--db", "sqlite:\(dir.path)/r.db"])
        XCTAssertEqual(noHeadKey.status, 64, noHeadKey.stderr)
        XCTAssertTrue(noHeadKey.stderr.contains("head.key") && noHeadKey.stderr.contains("rung keys generate"), noHeadKey.stderr)

        let both = try RungProcess.run(["head", "--keys", keys.head.path, "--insecure", "--db", "sqlite:\(dir.path)/r.db"])
        XCTAssertEqual(both.status, 64, both.stderr)

        try FileManager.default.removeItem(at: keys.mallory.appendingPathComponent("head.pub"))
        let noHeadPub = try RungProcess.run(["worker", "--keys", keys.mallory.path, "--head", "tcp://127.0.0.1:9"])
        XCTAssertEqual(noHeadPub.status, 64, noHeadPub.stderr)
        XCTAssertTrue(noHeadPub.stderr.contains("head.pub"), noHeadPub.stderr)

        chmod(keys.alice.appendingPathComponent("alice.key").path, 0o640)
        let exposed = try RungProcess.run(["sweep", "cancel", "1", "--head", "tcp://127.0.0.1:9", "--keys", keys.alice.path])
        XCTAssertEqual(exposed.status, 64, exposed.stderr)
        XCTAssertTrue(exposed.stderr.contains("chmod 600"), exposed.stderr)

        let missing = try RungProcess.run(["sweep", "cancel", "1", "--head", "tcp://127.0.0.1:9", "--keys", dir.appendingPathComponent("nope").path])
        XCTAssertEqual(missing.status, 64, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no such directory"), missing.stderr)
    }
}
