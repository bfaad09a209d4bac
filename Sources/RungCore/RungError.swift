/// The one error type a user sees: a sentence naming what is wrong and where, and the
/// exit status that tells scripts which kind of failure it was (DESIGN.md: 64 usage,
/// 65 bad input data, 69 unreachable service, 70 internal failure).
public struct RungError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Which kind of failure this is; it decides the exit status.
    public enum Kind: String, Sendable, Codable {
        case usage, badInput, unavailable, `internal`
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A malformed file, row, parameter or value supplied by the user (exit 65).
    public static func badInput(_ message: String) -> RungError { RungError(.badInput, message) }
    /// A wrong combination of command-line arguments (exit 64).
    public static func usage(_ message: String) -> RungError { RungError(.usage, message) }
    /// A service, file system or URL that cannot be reached (exit 69).
    public static func unavailable(_ message: String) -> RungError { RungError(.unavailable, message) }
    /// A bug or a failure of a library rung relies on (exit 70).
    public static func internalFailure(_ message: String) -> RungError { RungError(.internal, message) }

    /// The process exit status for this kind of failure.
    public var exitCode: Int32 {
        switch kind {
        case .usage: return 64
        case .badInput: return 65
        case .unavailable: return 69
        case .internal: return 70
        }
    }

    public var description: String { message }
}
