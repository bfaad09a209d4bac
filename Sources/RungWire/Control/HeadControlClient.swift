import CZeroMQ
import Foundation
import RungCore

/// A client of a running head's control requests: one DEALER socket, one typed request at a
/// time. With CURVE keys it authenticates as their key; a refused key, a head that needs
/// keys, a handshake that never completes, or no reply in time becomes a one-sentence
/// `RungError.unavailable` (exit 69) instead of a silent wait. An error reply becomes the
/// `RungError` of its `kind`.
public final class HeadControlClient {
    /// The endpoint the client connects to.
    public let endpoint: String
    /// The keys this client authenticates with; nil in plain text.
    public let keys: CurveClientKeys?
    private let context: ZMQContext
    private let socket: ZMQSocket
    private let handshakes: CurveHandshakeMonitor
    private let timeoutMillis: Int32
    /// How long a connection may stay unauthenticated before the client gives up.
    private let authenticationMillis: Int32
    /// Called once per request, with a sentence to show, when the head has not answered
    /// within half a second (a person then knows what the command is waiting for).
    public var onSlowReply: ((String) -> Void)?

    /// Connects to `endpoint`, with `clientKeys` over CURVE (nil: plain text). A request's
    /// send and its reply are each awaited up to `timeoutMillis`.
    public init(endpoint: String, clientKeys: CurveClientKeys? = nil, timeoutMillis: Int32 = 5000,
                authenticationMillis: Int32 = 10_000) throws {
        self.endpoint = endpoint
        self.keys = clientKeys
        self.timeoutMillis = timeoutMillis
        self.authenticationMillis = authenticationMillis
        context = try ZMQContext()
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setMaxMessageSize(Int64(WireFormat.maxFrameBytes))
        if let k = clientKeys {
            try socket.makeCurveClient(keyPair: k.keyPair, serverKey: k.serverKey, handshakeMillis: authenticationMillis)
        }
        // A DEALER blocks a send while it has no connection (e.g. after a refused handshake,
        // which libzmq does not retry): bound that wait like the reply's.
        try socket.setOption(ZMQ_SNDTIMEO, timeoutMillis)
        handshakes = try CurveHandshakeMonitor(watching: socket)
        try socket.connect(endpoint)
    }

    /// Sends `request` and returns the head's typed reply.
    public func send<R: ControlRequest>(_ request: R) throws -> R.Reply {
        let json = try sendRaw(ControlCodec.encode(request: request))
        do {
            return try ControlCodec.decode(reply: R.Reply.self, from: json)
        } catch let error as RungError {
            throw error
        } catch {
            throw RungError.unavailable("the head at \(endpoint) sent a \(R.op.rawValue) reply this rung cannot read (\(error)); are the head and this rung the same version?")
        }
    }

    /// Sends one request's JSON text and returns the reply's JSON text as the head sent it.
    public func sendRaw(_ json: String) throws -> String {
        let frame = WireFormat.encode(.control(json: json))
        guard frame.count <= WireFormat.maxFrameBytes else {
            throw RungError.badInput("the request is larger than the \(WireFormat.maxFrameBytes)-byte frame limit")
        }
        guard try socket.send([frame]) else {
            let waited = Double(timeoutMillis) / 1000
            if let problem = handshakes.problem(endpoint: endpoint, peer: "client", keys: keys, waited: waited) {
                throw RungError.unavailable(problem)
            }
            throw RungError.unavailable("cannot reach the head at \(endpoint): the request could not be sent within \(Int(waited.rounded())) s (is `rung head` running there?)")
        }
        let reply = try awaitReply()
        guard reply.count == 1, case .controlReply(let answer)? = try? WireFormat.decode(reply[0]) else {
            throw RungError.unavailable("the head at \(endpoint) sent a reply this rung cannot read")
        }
        return answer
    }

    /// Waits for the reply, failing early with the reason when the handshake shows one.
    private func awaitReply() throws -> [[UInt8]] {
        let start = Date()
        var told = false
        while true {
            let waited = Date().timeIntervalSince(start)
            if !told, waited >= 0.5, let onSlowReply {
                told = true
                let seconds = Double(timeoutMillis) / 1000
                onSlowReply("waiting for the head at \(endpoint) (giving up after \(seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)) s)…")
            }
            let left = Int(timeoutMillis) - Int(waited * 1000)
            if left <= 0 {
                if let problem = handshakes.problem(endpoint: endpoint, peer: "client", keys: keys, waited: waited) {
                    throw RungError.unavailable(problem)
                }
                let seconds = Double(timeoutMillis) / 1000
                throw RungError.unavailable("cannot reach the head at \(endpoint): no reply within \(seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)) s (is `rung head` running there?)")
            }
            _ = try ZMQPoller([socket, handshakes.socket]).poll(timeoutMilliseconds: min(left, 100))
            if let frames = try socket.receive(dontWait: true) { return frames }
            try handshakes.drain()
            if handshakes.refusedStatus != nil || handshakes.mechanismMismatch,
               let problem = handshakes.problem(endpoint: endpoint, peer: "client", keys: keys, waited: nil) {
                throw RungError.unavailable(problem)
            }
            if keys != nil, waited * 1000 >= Double(authenticationMillis), handshakes.everConnected, !handshakes.authenticated,
               let problem = handshakes.problem(endpoint: endpoint, peer: "client", keys: keys, waited: Double(authenticationMillis) / 1000) {
                throw RungError.unavailable(problem)
            }
        }
    }
}
