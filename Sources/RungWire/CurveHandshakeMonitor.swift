import CZeroMQ
import Foundation
import RungCore

/// Watches the connection events of a socket that talks to the head (`zmq_socket_monitor`),
/// so that the silence of a refused CURVE handshake can be explained: a head that refuses a
/// key answers with an explicit ZAP status, one that requires keys a client lacks reports a
/// mechanism mismatch, and a wrong `head.pub` shows up as a connection whose handshake never
/// completes. Owned by the thread that owns the watched socket; poll `socket`, then `drain()`.
public final class CurveHandshakeMonitor {
    /// One connection event of the watched socket.
    public enum Event: Equatable, Sendable {
        /// A TCP connection to the head was made.
        case connected
        /// The connection was lost or closed.
        case disconnected
        /// The security handshake completed: messages can flow.
        case succeeded
        /// The head's ZAP handler refused this peer's key (its status code, e.g. 400).
        case refused(status: Int)
        /// The handshake broke on a protocol error (a `ZMQ_PROTOCOL_ERROR_*` code).
        case protocolFailure(code: UInt32)
        /// The handshake failed without detail (for instance it timed out).
        case failed
    }

    /// The PAIR socket the events arrive on; poll it with the watched socket.
    public let socket: ZMQSocket
    private let watched: ZMQSocket
    /// Whether a TCP connection to the head is up now.
    public private(set) var connected = false
    /// Whether the handshake on the current connection has completed.
    public private(set) var authenticated = false
    /// The ZAP status of the latest refusal, cleared by a successful handshake.
    public private(set) var refusedStatus: Int?
    /// Whether the head and this peer disagree on using CURVE (cleared by a success).
    public private(set) var mechanismMismatch = false
    /// Whether a TCP connection was ever made.
    public private(set) var everConnected = false

    /// Starts watching `watched`; call before it connects so no event is missed.
    public init(watching watched: ZMQSocket) throws {
        let events = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
            | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
        socket = try watched.startMonitor(events: Int32(events))
        self.watched = watched
    }

    deinit {
        watched.stopMonitor()
        socket.close()
    }

    /// Reads every waiting event without blocking and updates the state above.
    @discardableResult
    public func drain() throws -> [Event] {
        var events: [Event] = []
        while let frames = try socket.receive(dontWait: true) {
            guard let first = frames.first, first.count >= 6 else { continue }
            let code = first.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(as: UInt16.self)) }
            let value = first.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self)) }
            let event: Event
            switch Int32(code) {
            case ZMQ_EVENT_CONNECTED: event = .connected
            case ZMQ_EVENT_DISCONNECTED: event = .disconnected
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: event = .succeeded
            case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: event = .refused(status: Int(value))
            case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: event = .protocolFailure(code: value)
            case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: event = .failed
            default: continue
            }
            apply(event)
            events.append(event)
        }
        return events
    }

    private func apply(_ event: Event) {
        switch event {
        case .connected:
            connected = true
            everConnected = true
            authenticated = false
        case .disconnected:
            connected = false
            authenticated = false
        case .succeeded:
            authenticated = true
            refusedStatus = nil
            mechanismMismatch = false
        case .refused(let status):
            refusedStatus = status
        case .protocolFailure(let code):
            if code == UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) { mechanismMismatch = true }
        case .failed:
            break
        }
    }

    /// One sentence saying why the head at `endpoint` does not answer, when the events show
    /// it (a refused key, a CURVE mismatch), or — after `waited` seconds on a connection whose
    /// handshake never completed — what to check. `peer` is "worker" or "client"; `keys` are
    /// the keys this peer uses, nil for none. Nil when there is nothing to say yet.
    public func problem(endpoint: String, peer: String, keys: CurveClientKeys?, waited: Double?) -> String? {
        if let status = refusedStatus {
            let name = keys?.name ?? "?"
            return "cannot authenticate to head at \(endpoint): the head refused this \(peer)'s key \(name) (\(keys?.keyPair.publicKey.abbreviated ?? ""), ZAP status \(status)); "
                + "add \(name).pub to the head's authorized directory (`rung keys authorize HEAD_KEYS_DIR \(keys.map { $0.directory.appendingPathComponent(name + ".pub").path } ?? "NAME.pub")`)"
        }
        if mechanismMismatch {
            return keys == nil
                ? "cannot talk to head at \(endpoint): it requires CURVE keys; pass --keys DIR (or set RUNG_KEYS) with this \(peer)'s key and the head's head.pub"
                : "cannot talk to head at \(endpoint): it does not use CURVE keys; leave out --keys/RUNG_KEYS, or start the head with --keys"
        }
        if let waited, everConnected, !authenticated, keys != nil {
            let seconds = String(format: waited >= 3 ? "%.0f" : "%.1f", waited)
            return "cannot authenticate to head at \(endpoint): no answer within \(seconds) s — is this \(peer)'s public key in the head's authorized directory, and is \(keys!.directory.appendingPathComponent("head.pub").path) the head's current key?"
        }
        return nil
    }
}
