import RungCore

/// The reply of a failed control request: `{"error": "one sentence", "kind": "badInput"}`.
/// `kind` is a `RungError.Kind` and decides the client's exit status; a reply from an old
/// head without it is read as `badInput`.
public struct ControlErrorReply: ControlReply, Equatable {
    /// What went wrong, as one sentence.
    public var error: String
    /// Which kind of failure it is (nil only in replies of heads older than the typed protocol).
    public var kind: RungError.Kind?

    /// An error reply.
    public init(error: String, kind: RungError.Kind?) {
        self.error = error
        self.kind = kind
    }

    /// The reply for `error`.
    public init(_ error: RungError) {
        self.init(error: error.message, kind: error.kind)
    }

    enum CodingKeys: String, CodingKey { case error, kind }

    /// Reads an error reply; a `kind` this build does not know is read as nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        error = try c.decode(String.self, forKey: .error)
        kind = (try? c.decodeIfPresent(String.self, forKey: .kind)).flatMap { $0.flatMap(RungError.Kind.init(rawValue:)) }
    }

    /// The error the client raises for this reply.
    public var rungError: RungError { RungError(kind ?? .badInput, error) }
}
