import CZeroMQ
import Foundation
import RungWire

/// A CLI-like client of the head: a DEALER that sends `control` requests and waits for the
/// `control_reply` (what `rung sweep submit` does).
final class HeadClient {
    private let context: ZMQContext
    private let socket: ZMQSocket

    init(endpoint: String) throws {
        context = try ZMQContext()
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setOption(ZMQ_RCVTIMEO, Int32(30_000))
        try socket.connect(endpoint)
    }

    deinit { socket.close() }

    /// Sends one request and returns the reply object (throws on timeout or an unreadable reply).
    func request(_ object: [String: Any]) throws -> [String: Any] {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        try socket.send([WireFormat.encode(.control(json: json))])
        guard let frames = try socket.receive() else { throw ClientError("no reply from the head to \(object["op"] ?? "?") within 30 s") }
        guard frames.count == 1, case .controlReply(let reply) = try WireFormat.decode(frames[0]),
              let reply = try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any] else {
            throw ClientError("unreadable reply from the head")
        }
        return reply
    }

    /// Submits a sweep config and returns its id.
    func submit(yaml: String, path: String) throws -> Int64 {
        let reply = try request(["op": "submit", "config": yaml, "path": path])
        guard let id = (reply["sweep"] as? NSNumber)?.int64Value else { throw ClientError("submit refused: \(reply)") }
        return id
    }

    /// The names of the workers the head has connected.
    func workerNames() throws -> [String] {
        let reply = try request(["op": "status"])
        return ((reply["workers"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    }
}

/// A test-client failure with a message.
struct ClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
