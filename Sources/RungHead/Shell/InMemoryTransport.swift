import Foundation
import RungWire

/// A transport with no socket: tests put frames in `inbox` and read what the head sent
/// from `sent`. With a `ManualClock` it runs the whole head deterministically, in
/// microseconds, the way swift-nio's embedded channel runs a handler.
public final class InMemoryTransport: HeadTransport {
    /// Messages waiting for the head, oldest first.
    public var inbox: [IncomingFrames] = []
    /// Everything the head sent, oldest first: the routing id and the decoded message.
    public private(set) var sent: [(to: [UInt8], message: WireMessage)] = []
    public let endpoint: String
    public var refusedHandshakes: Int { 0 }

    /// A transport that claims to listen on `endpoint`.
    public init(endpoint: String = "inproc://head") { self.endpoint = endpoint }

    /// Queues `message` from the peer with routing id `name` (UTF-8).
    public func deliver(_ message: WireMessage, from name: String, key: String? = nil) {
        inbox.append(IncomingFrames(frames: [Array(name.utf8), WireFormat.encode(message)], key: key))
    }

    /// Queues one raw frame from the peer `name`, e.g. garbage a test sends.
    public func deliverRaw(_ frame: [UInt8], from name: String) {
        inbox.append(IncomingFrames(frames: [Array(name.utf8), frame], key: nil))
    }

    /// Removes and returns what was sent to `name`.
    public func take(to name: String) -> [WireMessage] {
        let id = Array(name.utf8)
        let mine = sent.filter { $0.to == id }.map(\.message)
        sent.removeAll { $0.to == id }
        return mine
    }

    public func wait(timeoutMillis: Int) throws {}

    public func receive() throws -> IncomingFrames? { inbox.isEmpty ? nil : inbox.removeFirst() }

    public func send(_ frames: [[UInt8]]) -> Bool {
        guard frames.count == 2, let message = try? WireFormat.decode(frames[1]) else {
            return false
        }
        sent.append((frames[0], message))
        return true
    }

    public func close() {}
}
