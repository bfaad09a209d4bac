import CZeroMQ
import Foundation
import RungWire
import XCTest

/// A CURVE echo server on loopback with a ZAP handler over a temporary key directory, and
/// CURVE (or plain) clients in a separate context, all pumped from the test's thread.
final class CurveServerFixture {
    let directory: URL
    let serverKeys: CurveServerKeys
    let serverContext: ZMQContext
    let clientContext: ZMQContext
    let zap: ZAPHandler
    let router: ZMQSocket
    let endpoint: String
    var logLines: [String] = []
    /// The ZAP user id seen with each echoed message.
    var userIDs: [String] = []

    init(_ test: XCTestCase) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rung-curve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("authorized"), withIntermediateDirectories: true)
        let path = directory
        test.addTeardownBlock { try? FileManager.default.removeItem(at: path) }
        _ = try CurveKeyFile.write(try CurveKeyPair.generate(), name: "head", role: "head", in: directory, force: false)
        serverKeys = try CurveServerKeys.load(directory: directory)
        serverContext = try ZMQContext()
        clientContext = try ZMQContext()
        zap = try ZAPHandler(context: serverContext, keys: serverKeys)
        router = try ZMQSocket(context: serverContext, type: .router)
        try router.makeCurveServer(secretKey: serverKeys.keyPair.secretKey)
        try router.bind("tcp://127.0.0.1:*")
        endpoint = try router.lastEndpoint()
        zap.log = { [unowned self] in self.logLines.append($0) }
    }

    /// A fresh key pair for a client named `name`, its .pub authorized when `authorize`.
    func clientKeys(_ name: String, authorize: Bool) throws -> CurveClientKeys {
        let dir = directory.appendingPathComponent("client-\(name)")
        let pair = try CurveKeyPair.generate()
        _ = try CurveKeyFile.write(pair, name: name, role: "worker", in: dir, force: false)
        try FileManager.default.copyItem(at: directory.appendingPathComponent("head.pub"), to: dir.appendingPathComponent("head.pub"))
        if authorize { try self.authorize(dir.appendingPathComponent("\(name).pub"), as: name) }
        return try CurveClientKeys.load(directory: dir)
    }

    func authorize(_ pub: URL, as name: String) throws {
        try FileManager.default.copyItem(at: pub, to: directory.appendingPathComponent("authorized/\(name).pub"))
    }

    /// A DEALER in the client context, CURVE when `keys` is given, connected to the server.
    func client(_ keys: CurveClientKeys?, handshakeMillis: Int32 = 2000) throws -> (ZMQSocket, CurveHandshakeMonitor) {
        let socket = try ZMQSocket(context: clientContext, type: .dealer)
        if let keys { try socket.makeCurveClient(keyPair: keys.keyPair, serverKey: keys.serverKey, handshakeMillis: handshakeMillis) }
        let monitor = try CurveHandshakeMonitor(watching: socket)
        try socket.connect(endpoint)
        return (socket, monitor)
    }

    /// Serves ZAP and echoes every router message back until `done` or `seconds` pass;
    /// also drains the monitors. Returns whether `done` became true.
    @discardableResult
    func pump(seconds: Double, monitors: [CurveHandshakeMonitor] = [], until done: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try done() { return true }
            _ = try ZMQPoller([router, zap.socket] + monitors.map(\.socket)).poll(timeoutMilliseconds: 20)
            try zap.serve()
            while let received = try router.receive(dontWait: true, metadata: ["User-Id"]) {
                userIDs.append(received.metadata["User-Id"] ?? "")
                try router.send(received.frames)
            }
            for monitor in monitors { try monitor.drain() }
        }
        return try done()
    }
}
