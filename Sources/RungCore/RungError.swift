/// The one error type a user sees: a sentence naming what is wrong and where, and the
/// exit status that tells scripts which kind of failure it was (docs/cli.md: 64 usage,
/// 65 bad input data, 69 unreachable service, 70 internal failure).
///
/// Code that reacts to a particular failure matches its `cause`, never its message: the
/// message is for people and may be reworded.
public struct RungError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Which kind of failure this is; it decides the exit status.
    public enum Kind: String, Sendable, Codable {
        case usage, badInput, unavailable, `internal`
    }

    /// A failure that callers recognise and handle, with the facts they need to do so.
    public enum Cause: Equatable, Sendable {
        /// Another process already listens on `endpoint`.
        case addressInUse(endpoint: String)
        /// The store `store` is held for writing by another head, described by `holder`
        /// (e.g. `pid 4711`).
        case storeInUse(store: String, holder: String)
    }

    /// Which kind of failure this is.
    public var kind: Kind
    /// The sentence shown to the user.
    public var message: String
    /// The recognised failure behind this error, if it is one callers handle.
    public var cause: Cause?

    /// An error of `kind` explained by `message`, optionally with a recognised `cause`.
    public init(_ kind: Kind, _ message: String, cause: Cause? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    /// A malformed file, row, parameter or value supplied by the user (exit 65).
    public static func badInput(_ message: String) -> RungError { RungError(.badInput, message) }
    /// A wrong combination of command-line arguments (exit 64).
    public static func usage(_ message: String) -> RungError { RungError(.usage, message) }
    /// A service, file system or URL that cannot be reached (exit 69).
    public static func unavailable(_ message: String) -> RungError { RungError(.unavailable, message) }
    /// A bug or a failure of a library rung relies on (exit 70).
    public static func internalFailure(_ message: String) -> RungError { RungError(.internal, message) }

    /// Another process already listens on `endpoint` (exit 69).
    public static func addressInUse(_ endpoint: String) -> RungError {
        RungError(.unavailable, "cannot listen on \(endpoint): the address is already in use",
                  cause: .addressInUse(endpoint: endpoint))
    }

    /// The store is held for writing by another head (exit 69); `holder` describes it, e.g.
    /// `pid 4711`.
    public static func storeInUse(store: String, holder: String) -> RungError {
        RungError(.unavailable, "store \(store) is in use by another head (\(holder)); stop it or open the store read-only",
                  cause: .storeInUse(store: store, holder: holder))
    }

    /// The process exit status for this kind of failure: the one mapping from errors to
    /// exit codes (docs/cli.md).
    public var exitCode: Int32 {
        switch kind {
        case .usage: return 64
        case .badInput: return 65
        case .unavailable: return 69
        case .internal: return 70
        }
    }

    /// The message.
    public var description: String { message }
}
