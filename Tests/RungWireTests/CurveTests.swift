import CZeroMQ
import Foundation
@testable import RungWire
import RungCore
import XCTest

/// CURVE with real sockets: keys, the ZAP handler, refusals, rotation and encryption.
final class CurveTests: XCTestCase {
    override func setUpWithError() throws {
        XCTAssertTrue(ZMQContext.hasCurve, "this libzmq must be built with CURVE (libsodium)")
    }

    /// Sends `text` and waits for the echo.
    private func roundTrip(_ fixture: CurveServerFixture, _ socket: ZMQSocket, _ text: String,
                           seconds: Double = 5, monitors: [CurveHandshakeMonitor] = []) throws -> [UInt8]? {
        try socket.send([Array(text.utf8)], dontWait: true)
        var echoed: [UInt8]?
        try fixture.pump(seconds: seconds, monitors: monitors) {
            if echoed == nil, let frames = try socket.receive(dontWait: true) { echoed = frames.last }
            return echoed != nil
        }
        return echoed
    }

    func testZ85KeysRoundTripAndBadTextIsRefusedWithTheFileNamed() throws {
        let pair = try CurveKeyPair.generate()
        XCTAssertEqual(pair.publicKey.z85.count, 40)
        XCTAssertEqual(try CurveKey(z85: pair.publicKey.z85, source: "x"), pair.publicKey)
        XCTAssertEqual(try CurveKeyPair(secretKey: pair.secretKey).publicKey, pair.publicKey, "the public key derives from the secret one")
        XCTAssertNotEqual(try CurveKeyPair.generate().publicKey, pair.publicKey)
        XCTAssertFalse("\(pair.secretKey)".contains(pair.secretKey.z85), "printing a key never shows all of it")
        XCTAssertThrowsError(try CurveKey(z85: "short", source: "a.pub line 2")) { error in
            XCTAssertTrue("\(error)".contains("a.pub line 2"), "\(error)")
        }
        let withBadChar = "~" + pair.publicKey.z85.dropFirst()
        XCTAssertThrowsError(try CurveKey(z85: String(withBadChar), source: "b.pub line 1")) { error in
            XCTAssertTrue("\(error)".contains("'~' is not a Z85 character"), "\(error)")
        }
    }

    func testKeyFilesHaveTheirModesRefuseOverwriteAndRefuseAnUnprotectedSecret() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pair = try CurveKeyPair.generate()
        let (secret, pub) = try CurveKeyFile.write(pair, name: "w1", role: "worker", in: dir, force: false)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: secret.path)[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: pub.path)[.posixPermissions] as? Int, 0o644)
        XCTAssertEqual(try CurveKeyFile.readPublic(pub), pair.publicKey)
        XCTAssertEqual(try CurveKeyFile.readSecret(secret), pair)
        XCTAssertThrowsError(try CurveKeyFile.write(try CurveKeyPair.generate(), name: "w1", role: "worker", in: dir, force: false))
        XCTAssertEqual(try CurveKeyFile.readSecret(secret), pair, "a refused overwrite leaves the old key")
        XCTAssertThrowsError(try CurveKeyFile.readPublic(secret)) { XCTAssertTrue("\($0)".contains("secret key"), "\($0)") }
        chmod(secret.path, 0o644)
        XCTAssertThrowsError(try CurveKeyFile.readSecret(secret)) { error in
            XCTAssertTrue("\(error)".contains("chmod 600"), "\(error)")
        }
    }

    func testClientKeyDirectoryWithoutHeadPubSaysWhatToCopy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rung-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try CurveKeyFile.write(try CurveKeyPair.generate(), name: "w1", role: "worker", in: dir, force: false)
        XCTAssertThrowsError(try CurveClientKeys.load(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("head.pub"), "\(error)")
        }
    }

    func testAnAuthorizedClientTalksAndIsKnownByItsKeyName() throws {
        let fixture = try CurveServerFixture(self)
        let keys = try fixture.clientKeys("alice", authorize: true)
        let (socket, monitor) = try fixture.client(keys)
        let echoed = try roundTrip(fixture, socket, "ping", monitors: [monitor])
        XCTAssertEqual(echoed, Array("ping".utf8))
        XCTAssertEqual(fixture.userIDs, ["alice"], "the ZAP user id is the key's file name")
        XCTAssertEqual(fixture.zap.accepted, 1)
        XCTAssertEqual(fixture.zap.refused, 0)
        XCTAssertTrue(monitor.authenticated)
        XCTAssertNil(monitor.problem(endpoint: fixture.endpoint, peer: "client", keys: keys, waited: 5))
    }

    func testAnUnknownKeyGetsNothingAndTheRefusalIsCountedAndLoggedOnce() throws {
        let fixture = try CurveServerFixture(self)
        let keys = try fixture.clientKeys("mallory", authorize: false)
        let (socket, monitor) = try fixture.client(keys)
        XCTAssertNil(try roundTrip(fixture, socket, "let me in", seconds: 3, monitors: [monitor]))
        XCTAssertTrue(fixture.userIDs.isEmpty, "nothing from the unknown key reached the server socket")
        XCTAssertGreaterThanOrEqual(fixture.zap.refused, 1)
        XCTAssertEqual(fixture.zap.accepted, 0)
        let refusals = fixture.logLines.filter { $0.hasPrefix("refused a connection") }
        XCTAssertEqual(refusals.count, 1, "one log line per key per minute, however often it retries: \(fixture.logLines)")
        let line = try XCTUnwrap(refusals.first)
        XCTAssertTrue(line.contains("127.0.0.1"), line)
        XCTAssertTrue(line.contains(keys.keyPair.publicKey.abbreviated), line)
        XCTAssertTrue(line.contains(fixture.serverKeys.authorizedDirectory.path), line)
        XCTAssertEqual(monitor.refusedStatus, 400, "the client sees the head's explicit refusal")
        let problem = try XCTUnwrap(monitor.problem(endpoint: fixture.endpoint, peer: "worker", keys: keys, waited: nil))
        XCTAssertTrue(problem.contains("cannot authenticate to head at \(fixture.endpoint)"), problem)
        XCTAssertTrue(problem.contains("mallory.pub"), problem)
    }

    func testAClientWithAWrongHeadKeyIsSilentAndTheMonitorSaysWhatToCheck() throws {
        let fixture = try CurveServerFixture(self)
        let good = try fixture.clientKeys("bob", authorize: true)
        let wrongHead = try CurveKeyPair.generate().publicKey
        let keys = CurveClientKeys(directory: good.directory, name: good.name, keyPair: good.keyPair, serverKey: wrongHead)
        let (socket, monitor) = try fixture.client(keys, handshakeMillis: 1000)
        XCTAssertNil(try roundTrip(fixture, socket, "hello?", seconds: 2.5, monitors: [monitor]))
        XCTAssertTrue(fixture.userIDs.isEmpty)
        XCTAssertTrue(monitor.everConnected)
        XCTAssertFalse(monitor.authenticated)
        let problem = try XCTUnwrap(monitor.problem(endpoint: fixture.endpoint, peer: "worker", keys: keys, waited: 2.5))
        XCTAssertTrue(problem.contains("no answer within 2.5 s"), problem)
        XCTAssertTrue(problem.contains("authorized directory"), problem)
    }

    func testAPlainClientCannotTalkToACurveServerAndLearnsWhy() throws {
        let fixture = try CurveServerFixture(self)
        let (socket, monitor) = try fixture.client(nil)
        XCTAssertNil(try roundTrip(fixture, socket, "plain text", seconds: 2, monitors: [monitor]))
        XCTAssertTrue(fixture.userIDs.isEmpty, "a plain-text peer never gets a message through")
        XCTAssertTrue(monitor.mechanismMismatch)
        let problem = try XCTUnwrap(monitor.problem(endpoint: fixture.endpoint, peer: "client", keys: nil, waited: nil))
        XCTAssertTrue(problem.contains("requires CURVE keys"), problem)
    }

    func testTrafficIsEncryptedOnTheWire() throws {
        // A raw TCP listener between client and server would be more work; instead a CURVE
        // client talking to a listener that records raw bytes shows the plaintext is absent.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(listener, 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        XCTAssertEqual(listen(listener, 1), 0)
        let port = UInt16(bigEndian: address.sin_port)

        // Relay bytes between the client and a real CURVE server, recording what passes.
        let fixture = try CurveServerFixture(self)
        let keys = try fixture.clientKeys("carol", authorize: true)
        let client = try ZMQSocket(context: fixture.clientContext, type: .dealer)
        try client.makeCurveClient(keyPair: keys.keyPair, serverKey: keys.serverKey)
        try client.connect("tcp://127.0.0.1:\(port)")
        let accepted = accept(listener, nil, nil)
        XCTAssertGreaterThanOrEqual(accepted, 0)
        defer { close(accepted) }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var server = sockaddr_in()
        server.sin_family = sa_family_t(AF_INET)
        server.sin_addr.s_addr = inet_addr("127.0.0.1")
        server.sin_port = UInt16(Int(fixture.endpoint.split(separator: ":").last!)!).bigEndian
        let connected = withUnsafePointer(to: &server) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(connected, 0)
        var recorded: [UInt8] = []
        let secret = "the-plaintext-secret-payload-\(UUID().uuidString)"
        try client.send([Array(secret.utf8)], dontWait: true)
        var echoed: [UInt8]?
        let deadline = Date().addingTimeInterval(5)
        while echoed == nil && Date() < deadline {
            var fds = [pollfd(fd: accepted, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, 10)
            for (index, fd) in [accepted, upstream].enumerated() where fds[index].revents & Int16(POLLIN) != 0 {
                var buffer = [UInt8](repeating: 0, count: 65536)
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    recorded += buffer[0..<n]
                    _ = write(index == 0 ? upstream : accepted, buffer, n)
                }
            }
            try fixture.pump(seconds: 0.01) { false }
            if let frames = try client.receive(dontWait: true) { echoed = frames.last }
        }
        XCTAssertEqual(echoed, Array(secret.utf8), "the message went through the relay")
        XCTAssertGreaterThan(recorded.count, 200)
        let needle = Array("plaintext-secret".utf8)
        let found = recorded.indices.dropLast(needle.count).contains { Array(recorded[$0..<$0 + needle.count]) == needle }
        XCTAssertFalse(found, "the payload never crosses the wire in clear text")
    }

    func testAKeyAddedToAuthorizedIsAcceptedWithoutRestartAndARemovedOneIsRefused() throws {
        let fixture = try CurveServerFixture(self)
        let keys = try fixture.clientKeys("dave", authorize: false)
        let (first, firstMonitor) = try fixture.client(keys)
        XCTAssertNil(try roundTrip(fixture, first, "before", seconds: 1.5, monitors: [firstMonitor]))
        XCTAssertGreaterThanOrEqual(fixture.zap.refused, 1)

        try fixture.authorize(keys.directory.appendingPathComponent("dave.pub"), as: "dave")
        let (second, secondMonitor) = try fixture.client(keys)
        XCTAssertEqual(try roundTrip(fixture, second, "after", monitors: [secondMonitor]), Array("after".utf8))
        XCTAssertEqual(fixture.zap.authorizedNames, ["dave"])
        XCTAssertTrue(fixture.logLines.contains { $0.contains("added dave") }, "\(fixture.logLines)")

        try FileManager.default.removeItem(at: fixture.serverKeys.authorizedDirectory.appendingPathComponent("dave.pub"))
        let refusedBefore = fixture.zap.refused
        let (third, thirdMonitor) = try fixture.client(keys)
        XCTAssertNil(try roundTrip(fixture, third, "revoked", seconds: 1.5, monitors: [thirdMonitor]))
        XCTAssertGreaterThan(fixture.zap.refused, refusedBefore)
        XCTAssertFalse(fixture.zap.isAuthorized(name: "dave"))
    }

    func testARefusedClientThatReconnectsGetsInOnceItsKeyIsAuthorized() throws {
        let fixture = try CurveServerFixture(self)
        let keys = try fixture.clientKeys("erin", authorize: false)
        let (socket, monitor) = try fixture.client(keys)
        XCTAssertNil(try roundTrip(fixture, socket, "first", seconds: 1.5, monitors: [monitor]))
        XCTAssertEqual(monitor.refusedStatus, 400)
        try fixture.authorize(keys.directory.appendingPathComponent("erin.pub"), as: "erin")
        // libzmq does not retry a connection whose key was refused: the peer reconnects itself.
        try socket.disconnect(fixture.endpoint)
        try socket.connect(fixture.endpoint)
        var echoed: [UInt8]?
        try fixture.pump(seconds: 10, monitors: [monitor]) {
            if let frames = try socket.receive(dontWait: true) { echoed = frames.last }
            return echoed != nil || monitor.authenticated
        }
        XCTAssertTrue(monitor.authenticated, "after reconnecting, the same socket gets in")
    }

    func testZAPRepliesFollowRFC27AndARefusedKeyIsLoggedOncePerInterval() throws {
        let fixture = try CurveServerFixture(self)
        let known = try fixture.clientKeys("frank", authorize: true)
        let stranger = try CurveKeyPair.generate().publicKey
        func request(_ id: String, _ key: CurveKey, mechanism: String = "CURVE") -> [[UInt8]] {
            [Array("1.0".utf8), Array(id.utf8), Array("rung".utf8), Array("10.0.0.7".utf8), [], Array(mechanism.utf8), key.bytes]
        }
        let start = Date()
        try fixture.zap.serve(now: start)  // reads authorized/
        let ok = fixture.zap.answer(request("1", known.keyPair.publicKey), now: start)
        XCTAssertEqual(ok.map { String(decoding: $0, as: UTF8.self) }, ["1.0", "1", "200", "OK", "frank", ""])
        fixture.zap.refusalLogInterval = 60
        let no = fixture.zap.answer(request("2", stranger), now: start)
        XCTAssertEqual(String(decoding: no[2], as: UTF8.self), "400")
        XCTAssertEqual(no[4], [], "a refused key gets no user id")
        _ = fixture.zap.answer(request("3", stranger), now: start.addingTimeInterval(30))
        _ = fixture.zap.answer(request("4", stranger), now: start.addingTimeInterval(61))
        let lines = fixture.logLines.filter { $0.contains("unknown key \(stranger.abbreviated)") }
        XCTAssertEqual(lines.count, 2, "logged at 0 s and again after a minute, not at 30 s: \(fixture.logLines)")
        XCTAssertTrue(lines[0].hasPrefix("refused a connection from 10.0.0.7 with unknown key"), lines[0])
        XCTAssertEqual(fixture.zap.refused, 3, "every refusal counts, logged or not")
        let malformed = fixture.zap.answer([Array("0.9".utf8), Array("5".utf8)], now: start)
        XCTAssertEqual(String(decoding: malformed[2], as: UTF8.self), "500")
        let plain = fixture.zap.answer(request("6", stranger, mechanism: "NULL"), now: start)
        XCTAssertEqual(String(decoding: plain[2], as: UTF8.self), "400")
    }

    func testBrokenFilesInAuthorizedAreSkippedWithALogLine() throws {
        let fixture = try CurveServerFixture(self)
        let good = try fixture.clientKeys("gina", authorize: true)
        let authorized = fixture.serverKeys.authorizedDirectory
        try "not a key\n".write(to: authorized.appendingPathComponent("broken.pub"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: good.directory.appendingPathComponent("gina.key"), to: authorized.appendingPathComponent("gina.key"))
        try fixture.zap.serve()
        XCTAssertEqual(fixture.zap.authorizedNames, ["gina"])
        XCTAssertTrue(fixture.logLines.contains { $0.hasPrefix("ignored \(authorized.path)/broken.pub") }, "\(fixture.logLines)")
        XCTAssertTrue(fixture.logLines.contains { $0.contains("gina.key") && $0.contains("secret key does not belong") }, "\(fixture.logLines)")
    }

    func testTheHeadsOwnKeyIsAlwaysLetIn() throws {
        let fixture = try CurveServerFixture(self)
        let keys = try CurveClientKeys.load(directory: fixture.directory)
        XCTAssertEqual(keys.name, "head")
        let (socket, monitor) = try fixture.client(keys)
        XCTAssertEqual(try roundTrip(fixture, socket, "from the head's host", monitors: [monitor]), Array("from the head's host".utf8))
        XCTAssertEqual(fixture.userIDs, ["head"])
    }
}
