import Foundation
import RungCore
import CZeroMQ
import RungWire

/// A CLI client of a running head: one DEALER socket, one JSON control request at a time.
/// With CURVE keys (`--keys DIR`, else `$RUNG_KEYS`) it authenticates as the key in DIR;
/// a refused key, a head that needs keys, or a handshake that never completes becomes a
/// one-sentence `RungError.unavailable` (exit 69) instead of a silent wait.
final class HeadClient {
    let endpoint: String
    /// The keys this client authenticates with; nil in plain text.
    let keys: CurveClientKeys?
    private let context: ZMQContext
    private let socket: ZMQSocket
    private let handshakes: CurveHandshakeMonitor
    private let timeoutMillis: Int32
    /// How long a connection may stay unauthenticated before the client gives up.
    private let authenticationMillis: Int32 = 10_000

    /// Connects to `endpoint`; `keys` is a key directory, nil for `$RUNG_KEYS` (unset or
    /// empty: no keys). Replies are awaited up to `timeoutMillis`.
    init(endpoint: String, timeoutMillis: Int32 = 5000, keys: String? = nil) throws {
        self.endpoint = endpoint
        self.timeoutMillis = timeoutMillis
        self.keys = try Self.keyDirectory(keys).map { try CurveClientKeys.load(directory: URL(fileURLWithPath: $0)) }
        context = try ZMQContext()
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setMaxMessageSize(Int64(WireFormat.maxFrameBytes))
        if let k = self.keys {
            try socket.makeCurveClient(keyPair: k.keyPair, serverKey: k.serverKey, handshakeMillis: authenticationMillis)
        }
        // A DEALER blocks a send while it has no connection (e.g. after a refused handshake,
        // which libzmq does not retry): bound that wait like the reply's.
        try socket.setOption(ZMQ_SNDTIMEO, timeoutMillis)
        handshakes = try CurveHandshakeMonitor(watching: socket)
        try socket.connect(endpoint)
    }

    /// The endpoint from `--head`, else `$RUNG_HEAD`, else the default.
    static func endpoint(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment["RUNG_HEAD"] ?? "tcp://127.0.0.1:7770"
    }

    /// The key directory from `--keys`, else `$RUNG_KEYS`; nil (no keys) when neither is set
    /// or the value is empty.
    static func keyDirectory(_ option: String?) -> String? {
        let value = option ?? ProcessInfo.processInfo.environment["RUNG_KEYS"]
        return value?.isEmpty == false ? value : nil
    }

    /// Sends one request and returns the reply object; a reply with "error" becomes a RungError.
    func request(_ object: [String: Any]) throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let frame = WireFormat.encode(.control(json: String(decoding: data, as: UTF8.self)))
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
        guard reply.count == 1, case .controlReply(let json)? = try? WireFormat.decode(reply[0]),
              let answer = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw RungError.unavailable("the head at \(endpoint) sent a reply this rung cannot read")
        }
        if let error = answer["error"] as? String {
            let kind = (answer["kind"] as? String).flatMap(RungError.Kind.init(rawValue:)) ?? .badInput
            throw RungError(kind, error)
        }
        return answer
    }

    /// Waits for the reply, failing early with the reason when the handshake shows one.
    private func awaitReply() throws -> [[UInt8]] {
        let start = Date()
        while true {
            let waited = Date().timeIntervalSince(start)
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
