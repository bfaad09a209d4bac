import Foundation
@testable import RungHead
import RungStore
import RungWire
import XCTest

/// A head with CURVE keys: authorized workers get work, unknown keys get nothing and are logged.
final class HeadCurveTests: XCTestCase {
    /// A worker-like DEALER that authenticates with `keys` and records what the head sends.
    private final class CurvePeer {
        let socket: ZMQSocket
        var received: [WireMessage] = []
        private var lastBeat = Date.distantPast

        init(context: ZMQContext, endpoint: String, name: String, keys: CurveClientKeys) throws {
            socket = try ZMQSocket(context: context, type: .dealer)
            try socket.setOption(ZMQOption.routingID, bytes: Array(name.utf8))
            try socket.makeCurveClient(keyPair: keys.keyPair, serverKey: keys.serverKey)
            try socket.connect(endpoint)
            try socket.send([WireFormat.encode(.hello(WorkerHello(name: name, host: "test", slots: 2, families: ["xgboost"])))])
        }

        func step() throws {
            if Date().timeIntervalSince(lastBeat) > 0.1 {
                lastBeat = Date()
                _ = try socket.send([WireFormat.encode(.heartbeat(Heartbeat()))], dontWait: true)
            }
            while let frames = try socket.receive(dontWait: true) { received.append(try WireFormat.decode(frames[0])) }
        }

        var assignments: Int { received.filter { if case .assign = $0 { return true } else { return false } }.count }
    }

    private func keys(in root: URL) throws -> (server: CurveServerKeys, good: CurveClientKeys, unknown: CurveClientKeys) {
        let headDir = root.appendingPathComponent("head-keys")
        _ = try CurveKeyFile.write(try CurveKeyPair.generate(), name: "head", role: "head", in: headDir, force: false)
        try FileManager.default.createDirectory(at: headDir.appendingPathComponent("authorized"), withIntermediateDirectories: true)
        func peer(_ name: String, authorize: Bool) throws -> CurveClientKeys {
            let dir = root.appendingPathComponent("\(name)-keys")
            _ = try CurveKeyFile.write(try CurveKeyPair.generate(), name: name, role: "worker", in: dir, force: false)
            try FileManager.default.copyItem(at: headDir.appendingPathComponent("head.pub"), to: dir.appendingPathComponent("head.pub"))
            if authorize {
                try FileManager.default.copyItem(at: dir.appendingPathComponent("\(name).pub"),
                                                to: headDir.appendingPathComponent("authorized/\(name).pub"))
            }
            return try CurveClientKeys.load(directory: dir)
        }
        return (try CurveServerKeys.load(directory: headDir), try peer("good", authorize: true), try peer("stranger", authorize: false))
    }

    func testAWorkerWithAnUnknownKeyGetsNoWorkAndTheHeadLogsIt() throws {
        let fixture = try HeadFixture(self)
        let keys = try keys(in: fixture.root)
        let head = try Head(options: HeadOptions(listen: "tcp://127.0.0.1:*", heartbeatMillis: 100, lostAfterMillis: 1500,
                                                 artifacts: fixture.artifacts.path, keys: keys.server),
                            store: try SQLiteStore(path: fixture.storePath))
        var lines: [String] = []
        head.log = { lines.append($0) }
        let sweep = try head.submit(configYAML: fixture.config(trials: 4), configPath: "test.yaml")

        let context = try ZMQContext()
        let good = try CurvePeer(context: context, endpoint: head.endpoint, name: "w-good", keys: keys.good)
        let stranger = try CurvePeer(context: context, endpoint: head.endpoint, name: "w-stranger", keys: keys.unknown)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline && (good.assignments == 0 || head.refusedHandshakes == 0) {
            try head.runOnce(timeoutMillis: 5)
            try good.step()
            try stranger.step()
        }
        XCTAssertGreaterThan(good.assignments, 0, "the authorized worker gets trials")
        // A control request over the same authenticated link is attributed to its key.
        try good.socket.send([WireFormat.encode(.control(json: #"{"op":"cancel","sweep":\#(sweep)}"#))])
        let until = Date().addingTimeInterval(5)
        while Date() < until && !good.received.contains(where: { if case .controlReply = $0 { return true } else { return false } }) {
            try head.runOnce(timeoutMillis: 5)
            try good.step()
        }
        XCTAssertTrue(lines.contains("sweep \(sweep) was cancelled with key good"), "\(lines)")
        XCTAssertTrue(stranger.received.isEmpty, "the unknown key hears nothing: \(stranger.received)")
        XCTAssertGreaterThanOrEqual(head.refusedHandshakes, 1)
        XCTAssertEqual(head.workerCount, 1)
        let workers = head.status().workers
        XCTAssertEqual(workers.map(\.name), ["w-good"])
        XCTAssertEqual(workers.first?.key, "good", "the head knows which key the worker used")
        XCTAssertTrue(lines.contains { $0.contains("worker w-good joined") && $0.contains("(key good)") }, "\(lines)")
        let refusal = lines.filter { $0.hasPrefix("refused a connection from 127.0.0.1 with unknown key \(keys.unknown.keyPair.publicKey.abbreviated)") }
        XCTAssertEqual(refusal.count, 1, "\(lines)")
        XCTAssertTrue(refusal.first?.contains(keys.server.authorizedDirectory.path) ?? false, "\(lines)")
    }

    func testAWorkerWhoseKeyIsRemovedIsIgnoredAndLost() throws {
        let fixture = try HeadFixture(self)
        let keys = try keys(in: fixture.root)
        let head = try Head(options: HeadOptions(listen: "tcp://127.0.0.1:*", heartbeatMillis: 100, lostAfterMillis: 800,
                                                 artifacts: fixture.artifacts.path, keys: keys.server),
                            store: try SQLiteStore(path: fixture.storePath))
        var lines: [String] = []
        head.log = { lines.append($0) }
        let context = try ZMQContext()
        let good = try CurvePeer(context: context, endpoint: head.endpoint, name: "w-good", keys: keys.good)
        var deadline = Date().addingTimeInterval(10)
        while Date() < deadline && head.workerCount == 0 {
            try head.runOnce(timeoutMillis: 5)
            try good.step()
        }
        XCTAssertEqual(head.workerCount, 1)
        try FileManager.default.removeItem(at: keys.server.authorizedDirectory.appendingPathComponent("good.pub"))
        deadline = Date().addingTimeInterval(10)
        while Date() < deadline && head.workerCount == 1 {
            try head.runOnce(timeoutMillis: 5)
            try good.step()
        }
        XCTAssertEqual(head.workerCount, 0, "the worker's heartbeats no longer count")
        XCTAssertTrue(lines.contains { $0.contains("removed good") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("ignoring messages from key good") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("worker w-good lost") }, "\(lines)")
    }
}
