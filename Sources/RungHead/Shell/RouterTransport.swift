import Foundation
import RungWire

/// The head's real transport: a ZeroMQ ROUTER (a CURVE server when the head has keys, with
/// its ZAP handler in the same poll), bound to one endpoint.
public final class RouterTransport: HeadTransport {
    let context: ZMQContext
    let router: ZMQSocket
    /// The ZAP handler deciding which CURVE keys get in; nil without keys.
    let zap: ZAPHandler?
    let clock: any HeadClock
    /// When a message from a key removed from `authorized/` was last logged, by key name.
    private var revokedLogged: [String: Date] = [:]
    /// Where log lines go.
    var log: (String) -> Void = { _ in } {
        didSet { zap?.log = log }
    }
    public let endpoint: String

    /// Binds a ROUTER on `listen`; with `keys`, only the public keys they authorize get in.
    public init(listen: String, keys: CurveServerKeys?, clock: any HeadClock) throws {
        let context = try ZMQContext()
        self.context = context
        self.clock = clock
        // The ZAP handler is bound before the ROUTER so that no handshake happens without it.
        zap = try keys.map { try ZAPHandler(context: context, keys: $0) }
        router = try ZMQSocket(context: context, type: .router)
        if let keys { try router.makeCurveServer(secretKey: keys.keyPair.secretKey) }
        try router.setMaxMessageSize(Int64(WireFormat.maxFrameBytes))
        try router.setRouterMandatory(true)
        try router.setHighWaterMarks(send: 100_000, receive: 100_000)
        try router.bind(BindEndpoint.resolve(listen))
        endpoint = try router.lastEndpoint()
    }

    deinit { close() }

    public var refusedHandshakes: Int { zap?.refused ?? 0 }

    public func wait(timeoutMillis: Int) throws {
        _ = try ZMQPoller([router] + (zap.map { [$0.socket] } ?? [])).poll(timeoutMilliseconds: timeoutMillis)
        try zap?.serve(now: clock.now())
    }

    public func receive() throws -> IncomingFrames? {
        while let received = try router.receive(dontWait: true, metadata: zap == nil ? [] : ["User-Id"]) {
            let key = received.metadata["User-Id"]
            if let zap, let key, !zap.isAuthorized(name: key) {
                // The key was removed from authorized/ while its peer stayed connected: ignore
                // it, so a worker is declared lost after the usual silence and a client gets
                // no answer.
                let now = clock.now()
                if now.timeIntervalSince(revokedLogged[key] ?? .distantPast) >= 60 {
                    revokedLogged[key] = now
                    log("ignoring messages from key \(key): it is no longer in the authorized directory")
                }
                continue
            }
            return IncomingFrames(frames: received.frames, key: key)
        }
        return nil
    }

    public func send(_ frames: [[UInt8]]) -> Bool {
        // A peer that vanished makes ROUTER_MANDATORY report false: the heartbeat check handles it.
        (try? router.send(frames, dontWait: true)) ?? false
    }

    public func close() {
        router.close()
        zap?.socket.close()
    }
}
