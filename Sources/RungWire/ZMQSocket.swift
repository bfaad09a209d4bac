import CZeroMQ
import Foundation
import RungCore

/// The socket types rung uses.
public enum ZMQSocketType: Int32, Sendable {
    case pair = 0
    case rep = 4
    case dealer = 5
    case router = 6
}

/// A ZeroMQ socket owned by exactly one thread: the thread that created it is the only
/// one that may call it (ZeroMQ sockets are not thread-safe). It holds its context
/// strongly so the context outlives it, and closes with a bounded linger.
public final class ZMQSocket {
    private let context: ZMQContext
    private var handle: UnsafeMutableRawPointer?
    /// The type this socket was created with.
    public let type: ZMQSocketType

    /// Creates a socket of `type` in `context` with linger 0 (pending messages are
    /// dropped on close) unless changed.
    public init(context: ZMQContext, type: ZMQSocketType, linger: Int32 = 0) throws {
        guard let h = zmq_socket(context.handle, type.rawValue) else {
            throw RungError.internalFailure("zmq_socket failed: \(ZMQContext.lastError())")
        }
        self.context = context
        self.handle = h
        self.type = type
        try setOption(ZMQ_LINGER, linger)
    }

    deinit { close() }

    /// Closes the socket; later calls fail. Safe to call twice.
    public func close() {
        if let h = handle {
            zmq_close(h)
            handle = nil
        }
    }

    var rawHandle: UnsafeMutableRawPointer? { handle }

    private func live() throws -> UnsafeMutableRawPointer {
        guard let h = handle else { throw RungError.internalFailure("socket used after close") }
        return h
    }

    /// Sets an integer socket option (`ZMQ_LINGER`, `ZMQ_RCVTIMEO`, `ZMQ_SNDHWM`, …).
    public func setOption(_ option: Int32, _ value: Int32) throws {
        var v = value
        guard zmq_setsockopt(try live(), option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw RungError.internalFailure("zmq_setsockopt(\(option)) failed: \(ZMQContext.lastError())")
        }
    }

    /// Sets a 64-bit integer socket option (`ZMQ_MAXMSGSIZE`).
    public func setOption(_ option: Int32, _ value: Int64) throws {
        var v = value
        guard zmq_setsockopt(try live(), option, &v, MemoryLayout<Int64>.size) == 0 else {
            throw RungError.internalFailure("zmq_setsockopt(\(option)) failed: \(ZMQContext.lastError())")
        }
    }

    /// Sets a binary socket option (`ZMQ_ROUTING_ID`, CURVE keys).
    public func setOption(_ option: Int32, bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else {
            throw RungError.internalFailure("zmq_setsockopt(\(option)) failed: \(ZMQContext.lastError())")
        }
    }

    /// Refuses (drops the connection of a peer sending) any message larger than `bytes`.
    public func setMaxMessageSize(_ bytes: Int64) throws { try setOption(ZMQ_MAXMSGSIZE, bytes) }

    /// Makes `receive` give up after `milliseconds` (returning nil); -1 waits forever.
    public func setReceiveTimeout(_ milliseconds: Int32) throws { try setOption(ZMQ_RCVTIMEO, milliseconds) }

    /// Names this socket to a ROUTER peer (a worker's name).
    public func setRoutingID(_ id: String) throws { try setOption(ZMQ_ROUTING_ID, bytes: Array(id.utf8)) }

    /// Binds to `endpoint` (e.g. `tcp://127.0.0.1:7770`, `inproc://slot-1`).
    public func bind(_ endpoint: String) throws {
        guard zmq_bind(try live(), endpoint) == 0 else {
            let reason = ZMQContext.lastError()
            if zmq_errno() == EADDRINUSE {
                throw RungError.addressInUse(endpoint)
            }
            throw RungError.usage("cannot listen on \(endpoint): \(reason)")
        }
    }

    /// Connects to `endpoint`; ZeroMQ connects (and reconnects) in the background.
    public func connect(_ endpoint: String) throws {
        guard zmq_connect(try live(), endpoint) == 0 else {
            throw RungError.usage("cannot connect to \(endpoint): \(ZMQContext.lastError())")
        }
    }

    /// Drops the connection to `endpoint` made by `connect` (a later `connect` starts afresh).
    public func disconnect(_ endpoint: String) throws {
        guard zmq_disconnect(try live(), endpoint) == 0 else {
            throw RungError.internalFailure("cannot disconnect from \(endpoint): \(ZMQContext.lastError())")
        }
    }

    /// The endpoint actually bound (resolves `tcp://127.0.0.1:*` to the chosen port).
    public func lastEndpoint() throws -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(try live(), ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
            throw RungError.internalFailure("zmq_getsockopt(LAST_ENDPOINT) failed: \(ZMQContext.lastError())")
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends one multipart message. Returns false when `dontWait` is set and the message
    /// cannot be queued now (high-water mark, or an unknown ROUTER peer).
    @discardableResult
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws -> Bool {
        let h = try live()
        for (i, frame) in frames.enumerated() {
            var flags: Int32 = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            if dontWait { flags |= ZMQ_DONTWAIT }
            let rc = frame.withUnsafeBytes { zmq_send(h, $0.baseAddress, $0.count, flags) }
            if rc < 0 {
                let err = zmq_errno()
                if err == EAGAIN || err == EHOSTUNREACH { return false }
                throw RungError.internalFailure("zmq_send failed: \(ZMQContext.lastError())")
            }
        }
        return true
    }

    /// Receives one multipart message, or nil when `dontWait` is set (or a receive
    /// timeout is configured) and nothing is ready.
    public func receive(dontWait: Bool = false) throws -> [[UInt8]]? {
        try receive(dontWait: dontWait, metadata: [])?.frames
    }

    /// Receives one multipart message with the connection properties named in `metadata`
    /// (e.g. "User-Id" set by the ZAP handler, "Peer-Address"), read from its last frame;
    /// a property the connection does not have is absent from the dictionary.
    public func receive(dontWait: Bool = false, metadata: [String]) throws
        -> (frames: [[UInt8]], metadata: [String: String])? {
        let h = try live()
        var frames: [[UInt8]] = []
        var msg = zmq_msg_t()
        zmq_msg_init(&msg)
        defer { zmq_msg_close(&msg) }
        while true {
            let rc = zmq_msg_recv(&msg, h, dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0)
            if rc < 0 {
                let err = zmq_errno()
                if err == EAGAIN && frames.isEmpty { return nil }
                if err == EINTR && frames.isEmpty { return nil }
                throw RungError.internalFailure("zmq_msg_recv failed: \(ZMQContext.lastError())")
            }
            let size = zmq_msg_size(&msg)
            if size == 0 {
                frames.append([])
            } else {
                let base = zmq_msg_data(&msg)!.assumingMemoryBound(to: UInt8.self)
                frames.append(Array(UnsafeBufferPointer(start: base, count: size)))
            }
            if zmq_msg_more(&msg) == 0 {
                var properties: [String: String] = [:]
                for key in metadata {
                    if let value = zmq_msg_gets(&msg, key) { properties[key] = String(cString: value) }
                }
                return (frames, properties)
            }
        }
    }

    // MARK: - CURVE

    /// Makes this socket a CURVE server with `secretKey` (set before `bind`): every peer
    /// must know the matching public key, and the context's ZAP handler, if one is bound,
    /// decides which client keys get in.
    public func makeCurveServer(secretKey: CurveKey, zapDomain: String = "rung") throws {
        try setOption(ZMQ_CURVE_SERVER, Int32(1))
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: secretKey.bytes)
        try setOption(ZMQ_ZAP_DOMAIN, bytes: Array(zapDomain.utf8))
    }

    /// Makes this socket a CURVE client of the server whose public key is `serverKey`,
    /// identifying itself with `keyPair` (set before `connect`). A handshake that has not
    /// completed after `handshakeMillis` is abandoned and retried.
    public func makeCurveClient(keyPair: CurveKeyPair, serverKey: CurveKey, handshakeMillis: Int32 = 5000) throws {
        try setOption(ZMQ_CURVE_SERVERKEY, bytes: serverKey.bytes)
        try setOption(ZMQ_CURVE_PUBLICKEY, bytes: keyPair.publicKey.bytes)
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: keyPair.secretKey.bytes)
        try setOption(ZMQ_HANDSHAKE_IVL, handshakeMillis)
    }

    /// Starts publishing this socket's connection events (`zmq_socket_monitor`) on a fresh
    /// inproc endpoint and returns a PAIR socket, owned by the same thread, that receives them.
    func startMonitor(events: Int32) throws -> ZMQSocket {
        let endpoint = "inproc://rung-monitor-\(UUID().uuidString)"
        guard zmq_socket_monitor(try live(), endpoint, events) == 0 else {
            throw RungError.internalFailure("zmq_socket_monitor failed: \(ZMQContext.lastError())")
        }
        let pair = try ZMQSocket(context: context, type: .pair)
        try pair.connect(endpoint)
        return pair
    }

    /// Stops the events started by `startMonitor`.
    func stopMonitor() {
        if let h = handle { zmq_socket_monitor(h, nil, 0) }
    }
}
