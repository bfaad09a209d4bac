/// A failed MLflow REST call: either the server could not be reached or answered with a
/// server error (worth retrying later), or it refused the request (retrying the same
/// request does not help).
public enum MLflowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No connection, a broken exchange, a 5xx or a 429: retry later.
    case unavailable(String)
    /// A 4xx answer with MLflow's error code (`RESOURCE_DOES_NOT_EXIST`, …) and message.
    case rejected(status: Int, code: String, message: String)

    /// Whether retrying later may succeed.
    public var isTransient: Bool {
        if case .unavailable = self { return true }
        return false
    }

    /// The error for messages.
    public var description: String {
        switch self {
        case .unavailable(let reason): return "MLflow server unavailable: \(reason)"
        case .rejected(let status, let code, let message): return "MLflow refused the request (HTTP \(status) \(code)): \(message)"
        }
    }
}
