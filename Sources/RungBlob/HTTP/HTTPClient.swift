import Foundation

/// A small public face of the one libcurl wrapper for JSON APIs (the MLflow client uses it):
/// one request in, the status, headers and body out. Connections are reused between calls.
/// Thread-safe: each call takes its own transfer handle.
public final class HTTPClient: Sendable {
    /// What came back from one exchange.
    public struct Reply: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The headers, names lower-cased.
        public var headers: [String: String]
        /// The body.
        public var body: Data
    }

    /// An exchange that produced no HTTP response.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// No connection, or the connection broke: worth retrying later.
        case transient(String)
        /// A local problem (a file that cannot be read): retrying does not help.
        case permanent(String)

        /// The reason, for messages.
        public var description: String {
            switch self {
            case .transient(let reason), .permanent(let reason): return reason
            }
        }
    }

    private let transfer = CurlTransfer()
    /// Seconds to wait for the connection.
    public let connectTimeout: Double
    /// Seconds for a whole exchange.
    public let totalTimeout: Double

    /// A client whose exchanges give up after the given timeouts.
    public init(connectTimeout: Double = 5, totalTimeout: Double = 30) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// Sends one request with an in-memory body (or none) and returns the reply.
    public func send(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) throws -> Reply {
        try send(method: method, url: url, headers: headers, bodyFrom: body.map { .data($0) } ?? .none)
    }

    /// Sends one request whose body is the whole file at `path`, read as it is sent.
    public func send(method: String, url: String, headers: [(String, String)] = [], file path: String) throws -> Reply {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        guard let size else { throw Failure.permanent("cannot read \(path)") }
        return try send(method: method, url: url, headers: headers, bodyFrom: .file(path: path, offset: 0, length: size))
    }

    private func send(method: String, url: String, headers: [(String, String)], bodyFrom body: HTTPRequest.Body) throws -> Reply {
        var request = HTTPRequest(method: method, url: url, headers: headers, body: body)
        request.connectTimeout = connectTimeout
        request.totalTimeout = totalTimeout
        do {
            let response = try transfer.perform(request)
            return Reply(status: response.status, headers: response.headers, body: response.body)
        } catch let failure as HTTPTransferFailure {
            switch failure {
            case .unreachable(let reason), .network(let reason): throw Failure.transient(reason)
            case .local(let reason): throw Failure.permanent(reason)
            }
        }
    }
}
