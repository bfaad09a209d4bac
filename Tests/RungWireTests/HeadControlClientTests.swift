import Foundation
import RungCore
import RungWire
import XCTest

/// The one head client against a real ROUTER on loopback that answers like a head.
final class HeadControlClientTests: XCTestCase {
    /// A ROUTER answering each control frame with `answer(request JSON)` on its own thread.
    private final class FakeHead: @unchecked Sendable {
        let endpoint: String
        private let router: ZMQSocket
        private let answer: @Sendable (String) -> String
        private let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var stopping = false
        private var seen: [String] = []

        init(answer: @escaping @Sendable (String) -> String) throws {
            router = try ZMQSocket(context: try ZMQContext(), type: .router)
            try router.bind("tcp://127.0.0.1:*")
            endpoint = try router.lastEndpoint()
            self.answer = answer
            Thread { [self] in serve() }.start()
        }

        /// The requests received so far, as JSON text.
        var requests: [String] { lock.withLock { seen } }

        func stop() {
            lock.withLock { stopping = true }
            done.wait()
        }

        private func serve() {
            defer { router.close(); done.signal() }
            while !lock.withLock({ stopping }) {
                guard (try? ZMQPoller([router]).poll(timeoutMilliseconds: 50))?.isEmpty == false,
                      let frames = try? router.receive(dontWait: true), frames.count == 2,
                      case .control(let json)? = try? WireFormat.decode(frames[1]) else { continue }
                lock.withLock { seen.append(json) }
                _ = try? router.send([frames[0], WireFormat.encode(.controlReply(json: answer(json)))])
            }
        }
    }

    func testATypedRequestGetsItsTypedReply() throws {
        let head = try FakeHead { json in
            guard let id = try? ControlCodec.decode(CancelSweepRequest.self, from: json).sweep else {
                return ControlCodec.encode(error: .badInput("not a cancel"))
            }
            return ControlCodec.encode(reply: SweepIDReply(sweep: id))
        }
        defer { head.stop() }
        let client = try HeadControlClient(endpoint: head.endpoint, timeoutMillis: 5000)
        XCTAssertEqual(try client.send(CancelSweepRequest(sweep: 17)), SweepIDReply(sweep: 17))
        XCTAssertEqual(head.requests, [#"{"op":"cancel","sweep":17,"v":1}"#])
    }

    func testAnErrorReplyBecomesTheRungErrorOfItsKind() throws {
        let head = try FakeHead { _ in ControlCodec.encode(error: .unavailable("the store is down")) }
        defer { head.stop() }
        let client = try HeadControlClient(endpoint: head.endpoint, timeoutMillis: 5000)
        XCTAssertThrowsError(try client.send(HeadStatusRequest())) {
            XCTAssertEqual($0 as? RungError, RungError.unavailable("the store is down"))
        }
    }

    func testAReplyOfTheWrongShapeIsUnavailableAndSaysSo() throws {
        let head = try FakeHead { _ in #"{"ok":true}"# }
        defer { head.stop() }
        let client = try HeadControlClient(endpoint: head.endpoint, timeoutMillis: 5000)
        XCTAssertThrowsError(try client.send(SweepStateRequest(sweep: 1))) {
            let error = $0 as? RungError
            XCTAssertEqual(error?.kind, .unavailable)
            XCTAssertTrue(error?.message.contains("sent a sweep reply this rung cannot read") ?? false, "\($0)")
        }
    }

    func testAnAbsentHeadIsUnavailableWithinTheTimeout() throws {
        // A port that was just free: bind, read it, close.
        let probe = try ZMQSocket(context: try ZMQContext(), type: .router)
        try probe.bind("tcp://127.0.0.1:*")
        let endpoint = try probe.lastEndpoint()
        probe.close()
        let client = try HeadControlClient(endpoint: endpoint, timeoutMillis: 300)
        let start = Date()
        XCTAssertThrowsError(try client.send(HeadStatusRequest())) {
            let error = $0 as? RungError
            XCTAssertEqual(error?.kind, .unavailable)
            XCTAssertTrue(error?.message.hasPrefix("cannot reach the head at \(endpoint)") ?? false, "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
