import Foundation
import RungCore

/// The head's ZAP handler (ZeroMQ Authentication Protocol, RFC 27): a REP socket bound on
/// `inproc://zeromq.zap.01` in the head's context, which libzmq asks about every CURVE
/// handshake. It answers 200 with the key's file name as the user id for authorized keys,
/// and 400 for the rest, logging each refused key at most once a minute.
///
/// It is serviced from the head's own `zmq_poll` loop (poll `socket`, then call `serve`), so
/// it is owned by that one thread like the head's other sockets.
public final class ZAPHandler {
    /// The endpoint libzmq sends ZAP requests to.
    public static let endpoint = "inproc://zeromq.zap.01"

    /// The REP socket to poll for requests.
    public let socket: ZMQSocket
    /// Called with one line per refusal (rate-limited) and per change of the authorized keys.
    public var log: (String) -> Void
    /// How long a refused key stays quiet in the log after it was logged.
    public var refusalLogInterval: TimeInterval = 60
    /// Handshakes let in so far.
    public private(set) var accepted = 0
    /// Handshakes refused so far (every one, logged or not).
    public private(set) var refused = 0
    private var keys: CurveAuthorizedKeys
    private var lastLogged: [CurveKey: Date] = [:]
    private var lastRefresh = Date.distantPast

    /// Binds the handler in `context`; call it before any CURVE server socket of that context
    /// binds, so no handshake happens without it.
    public init(context: ZMQContext, keys: CurveServerKeys, log: @escaping (String) -> Void = { _ in }) throws {
        socket = try ZMQSocket(context: context, type: .rep)
        try socket.bind(Self.endpoint)
        self.keys = CurveAuthorizedKeys(directory: keys.authorizedDirectory, headKey: keys.keyPair.publicKey)
        self.log = log
    }

    /// The names of the keys let in now (files in `authorized/`).
    public var authorizedNames: [String] { keys.names }

    /// Whether connections made as `name` (a ZAP user id) would be let in now.
    public func isAuthorized(name: String) -> Bool { keys.contains(name: name) }

    /// Answers every waiting request without blocking, and re-reads the authorized keys if
    /// they changed (at most once a second when no request comes).
    public func serve(now: Date = Date()) throws {
        if now.timeIntervalSince(lastRefresh) >= 1 { refreshKeys(now: now) }
        while let request = try socket.receive(dontWait: true) {
            refreshKeys(now: now)
            try socket.send(answer(request, now: now))
        }
    }

    private func refreshKeys(now: Date) {
        lastRefresh = now
        for line in keys.refresh() { log(line) }
    }

    /// The reply frames for one request (without the REP envelope).
    func answer(_ frames: [[UInt8]], now: Date) -> [[UInt8]] {
        let version = Array("1.0".utf8)
        let requestID = frames.count > 1 ? frames[1] : []
        func reply(_ code: String, _ text: String, user: String = "") -> [[UInt8]] {
            [version, requestID, Array(code.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        guard frames.count >= 6, frames[0] == version else {
            log("answered a malformed ZAP request (\(frames.count) frames) with 500")
            return reply("500", "malformed ZAP request")
        }
        let address = String(decoding: frames[3], as: UTF8.self)
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        guard mechanism == "CURVE", frames.count >= 7, let key = try? CurveKey(bytes: frames[6]) else {
            refused += 1
            log("refused a connection from \(address) using \(mechanism): only CURVE keys are accepted")
            return reply("400", "CURVE required")
        }
        if let name = keys.name(for: key) {
            accepted += 1
            return reply("200", "OK", user: name)
        }
        refused += 1
        lastLogged = lastLogged.filter { now.timeIntervalSince($0.value) < refusalLogInterval }
        if lastLogged[key] == nil {
            lastLogged[key] = now
            log("refused a connection from \(address.isEmpty ? "an unknown address" : address) with unknown key \(key.abbreviated); "
                + "add its .pub to \(keys.directory.path) to let it in")
        }
        return reply("400", "unknown key")
    }
}
