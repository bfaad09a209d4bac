import XCTest
import CZeroMQ
import RungCore
@testable import RungWire

final class ZMQSocketTests: XCTestCase {
    func testRouterDealerRoundTripOverLoopbackTCP() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint()
        XCTAssertTrue(endpoint.hasPrefix("tcp://127.0.0.1:"))

        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.setOption(ZMQ_ROUTING_ID, bytes: Array("worker-1".utf8))
        try dealer.connect(endpoint)
        let hello = WireMessage.hello(WorkerHello(name: "worker-1", host: "h", slots: 2, families: ["xgboost"]))
        try dealer.send([WireFormat.encode(hello)])

        let ready = try ZMQPoller([router]).poll(timeoutMilliseconds: 5000)
        XCTAssertEqual(ready, [0])
        let frames = try XCTUnwrap(try router.receive())
        XCTAssertEqual(frames.count, 2)
        XCTAssertEqual(frames[0], Array("worker-1".utf8))
        XCTAssertEqual(try WireFormat.decode(frames[1]), hello)

        let welcome = WireMessage.welcome(Welcome(heartbeatMillis: 1000, lostAfterMillis: 5000, artifactsURI: "a"))
        XCTAssertTrue(try router.send([frames[0], WireFormat.encode(welcome)]))
        try dealer.setOption(ZMQ_RCVTIMEO, Int32(5000))
        let reply = try XCTUnwrap(try dealer.receive())
        XCTAssertEqual(try WireFormat.decode(reply[0]), welcome)
        XCTAssertNil(try dealer.receive(dontWait: true))
    }

    func testOversizedMessageIsDroppedAndTheRouterKeepsServing() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        try router.setMaxMessageSize(Int64(WireFormat.maxFrameBytes))
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint()

        let abuser = try ZMQSocket(context: context, type: .dealer)
        try abuser.connect(endpoint)
        try abuser.send([[UInt8](repeating: 7, count: WireFormat.maxFrameBytes + 1)])

        let honest = try ZMQSocket(context: context, type: .dealer)
        try honest.setOption(ZMQ_ROUTING_ID, bytes: Array("honest".utf8))
        try honest.connect(endpoint)
        try honest.send([WireFormat.encode(.heartbeat(Heartbeat(running: [1])))])

        var received: [[[UInt8]]] = []
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline {
            if try ZMQPoller([router]).poll(timeoutMilliseconds: 200).isEmpty { continue }
            while let m = try router.receive(dontWait: true) { received.append(m) }
        }
        XCTAssertEqual(received.count, 1, "only the honest peer's message arrives")
        XCTAssertEqual(received.first?.first, Array("honest".utf8))
    }

    func testSendingToAnUnknownPeerWithMandatoryRoutingReportsFalse() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        try router.setOption(ZMQ_ROUTER_MANDATORY, Int32(1))
        try router.bind("tcp://127.0.0.1:*")
        XCTAssertFalse(try router.send([Array("nobody".utf8), WireFormat.encode(.drain)], dontWait: true))
    }

    func testBindingAnAddressInUseIsAClearError() throws {
        let context = try ZMQContext()
        let a = try ZMQSocket(context: context, type: .router)
        try a.bind("tcp://127.0.0.1:*")
        let b = try ZMQSocket(context: context, type: .router)
        let endpoint = try a.lastEndpoint()
        XCTAssertThrowsError(try b.bind(endpoint)) { error in
            XCTAssertTrue("\(error)".contains("already in use"), "\(error)")
            // Callers (rung run picking another port) match the cause, not the sentence.
            XCTAssertEqual((error as? RungError)?.cause, .addressInUse(endpoint: endpoint))
            XCTAssertEqual((error as? RungError)?.kind, .unavailable)
        }
    }
}
