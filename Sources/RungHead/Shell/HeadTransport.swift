import Foundation
import RungWire

/// One multipart message that reached the head, with the name of the sender's CURVE key
/// (its ZAP user id) when the head runs with keys.
public struct IncomingFrames: Sendable {
    /// The frames: the routing id first, then the payload.
    public var frames: [[UInt8]]
    /// The sender's key name, or nil without keys.
    public var key: String?

    /// A message as received.
    public init(frames: [[UInt8]], key: String? = nil) {
        self.frames = frames
        self.key = key
    }
}

/// What the head's loop needs from its socket: wait, receive without blocking, send to a
/// routing id. `RouterTransport` is the real ZeroMQ ROUTER; `InMemoryTransport` lets tests
/// script peers without sockets.
public protocol HeadTransport: AnyObject {
    /// The endpoint actually bound (with the real port when listening on `:*`).
    var endpoint: String { get }
    /// CURVE handshakes refused so far (0 without keys).
    var refusedHandshakes: Int { get }
    /// Waits up to `timeoutMillis` for something to receive (also serving authentication).
    func wait(timeoutMillis: Int) throws
    /// The next waiting message, or nil when none is waiting.
    func receive() throws -> IncomingFrames?
    /// Sends `frames` (routing id first) without blocking; false when the peer is gone.
    func send(_ frames: [[UInt8]]) -> Bool
    /// Closes the socket(s).
    func close()
}
