import Foundation
import RungCore
import RungWire

/// A CLI client of a running head: one DEALER socket, one JSON control request at a time.
final class HeadClient {
    let endpoint: String
    private let context: ZMQContext
    private let socket: ZMQSocket

    init(endpoint: String, timeoutMillis: Int32 = 5000) throws {
        self.endpoint = endpoint
        context = try ZMQContext()
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setReceiveTimeout(timeoutMillis)
        try socket.setMaxMessageSize(Int64(WireFormat.maxFrameBytes))
        try socket.connect(endpoint)
    }

    /// The endpoint from `--head`, else `$RUNG_HEAD`, else the default.
    static func endpoint(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment["RUNG_HEAD"] ?? "tcp://127.0.0.1:7770"
    }

    /// Sends one request and returns the reply object; a reply with "error" becomes a RungError.
    func request(_ object: [String: Any]) throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let frame = WireFormat.encode(.control(json: String(decoding: data, as: UTF8.self)))
        guard frame.count <= WireFormat.maxFrameBytes else {
            throw RungError.badInput("the request is larger than the \(WireFormat.maxFrameBytes)-byte frame limit")
        }
        try socket.send([frame])
        guard let reply = try socket.receive() else {
            throw RungError.unavailable("cannot reach the head at \(endpoint): no reply within 5 s (is `rung head` running there?)")
        }
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
}
