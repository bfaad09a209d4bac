import Foundation
import RungWire
import XCTest

/// The test's stand-in for the head: a real ROUTER on tcp://127.0.0.1:*, used only on the
/// test's thread.
final class FakeHead {
    let context: ZMQContext
    let router: ZMQSocket
    let endpoint: String
    /// The routing id of the last worker heard from.
    private(set) var workerID: [UInt8]?
    /// Whether a worker's heartbeat is answered with one (a live head); false plays a silent head.
    var answersHeartbeats = true
    /// Whether trial messages are acknowledged as soon as they arrive (a head whose store
    /// commits at once); false plays a head that dies before committing.
    var acknowledges = true

    /// Binds a new ROUTER on `endpoint` (a free loopback port by default; a restarted head
    /// binds the endpoint of the one before).
    init(endpoint: String = "tcp://127.0.0.1:*") throws {
        context = try ZMQContext()
        router = try ZMQSocket(context: context, type: .router, linger: 0)
        try router.bind(endpoint)
        self.endpoint = try router.lastEndpoint()
    }

    deinit { router.close() }

    /// The next message from a worker within `timeout` seconds, or nil.
    func next(timeout: TimeInterval) throws -> WireMessage? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            let ready = try ZMQPoller([router]).poll(timeoutMilliseconds: max(1, Int(left * 1000)))
            guard !ready.isEmpty, let frames = try router.receive(dontWait: true) else { continue }
            XCTAssertEqual(frames.count, 2, "a worker message is one frame after the routing id")
            workerID = frames[0]
            let message = try WireFormat.decode(frames[1])
            if answersHeartbeats, case .heartbeat = message { try send(.heartbeat(Heartbeat())) }
            if acknowledges, let ack = message.delivery { try send(.ack([ack])) }
            return message
        }
    }

    /// Waits for the first message that `match` accepts (skipping others, such as
    /// heartbeats), failing the test after `timeout` seconds.
    func expect<T>(_ what: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line,
                   _ match: (WireMessage) -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        var skipped: [WireMessage] = []
        while let message = try next(timeout: deadline.timeIntervalSinceNow) {
            if let value = match(message) { return value }
            skipped.append(message)
        }
        XCTFail("no \(what) within \(timeout) s; got \(skipped.suffix(5))", file: file, line: line)
        throw FakeHeadError("gave up waiting for \(what)")
    }

    /// Every message within `seconds`, answering nothing.
    func collect(for seconds: TimeInterval) throws -> [WireMessage] {
        let deadline = Date().addingTimeInterval(seconds)
        var out: [WireMessage] = []
        while let m = try next(timeout: deadline.timeIntervalSinceNow) { out.append(m) }
        return out
    }

    /// Sends `message` to the worker last heard from.
    func send(_ message: WireMessage) throws {
        try sendRaw([WireFormat.encode(message)])
    }

    /// Sends raw frames (after the routing id) to the worker last heard from.
    func sendRaw(_ frames: [[UInt8]]) throws {
        guard let id = workerID else { throw FakeHeadError("no worker has spoken yet") }
        XCTAssertTrue(try router.send([id] + frames))
    }
}

extension EpochReport {
    /// The report without its delivery sequence number (a re-sent report gets a new one).
    var unstamped: EpochReport {
        var r = self
        r.seq = 0
        return r
    }
}

extension WireMessage {
    /// The epoch report, if this is one for `trial`.
    func report(_ trial: UInt64) -> EpochReport? {
        if case .epochReport(let r) = self, r.trialID == trial { return r }
        return nil
    }

    /// The done message, if this is one for `trial`.
    func done(_ trial: UInt64) -> TrialDone? {
        if case .done(let d) = self, d.trialID == trial { return d }
        return nil
    }

    /// The failure, if this is one for `trial`.
    func failed(_ trial: UInt64) -> TrialFailed? {
        if case .failed(let f) = self, f.trialID == trial { return f }
        return nil
    }

    /// The hello, if this is one.
    var hello: WorkerHello? {
        if case .hello(let h) = self { return h }
        return nil
    }

    /// The heartbeat, if this is one.
    var heartbeat: Heartbeat? {
        if case .heartbeat(let h) = self { return h }
        return nil
    }

    /// The acknowledgement a head sends for this trial message (nil for other messages).
    var delivery: DeliveryAck? {
        switch self {
        case .epochReport(let r): return DeliveryAck(trialID: r.trialID, seq: r.seq)
        case .done(let d): return DeliveryAck(trialID: d.trialID, seq: d.seq)
        case .failed(let f): return DeliveryAck(trialID: f.trialID, seq: f.seq)
        default: return nil
        }
    }

    /// Whether this is a trial's message (report, done or failed).
    var isTrialMessage: Bool {
        switch self {
        case .epochReport, .done, .failed: return true
        default: return false
        }
    }
}

/// A test step that could not happen (the failure itself is recorded with XCTFail).
struct FakeHeadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
