/// Something `rung data prepare` noticed that does not stop it but may make the data
/// worse than the user thinks (an id-like categorical column, replaced bytes). It goes to
/// the manifest's `warnings` (so `--json` carries it) and to standard error.
public struct DataWarning: Codable, Sendable, Equatable {
    /// A stable name for the kind of warning (`id_like_column`, `replaced_bytes`).
    public var kind: String
    /// The column concerned, if one.
    public var column: String?
    /// The recipe key to look at, if one (e.g. `id_columns`).
    public var key: String?
    /// One sentence saying what was seen and what to do.
    public var message: String

    /// Creates a warning.
    public init(kind: String, column: String? = nil, key: String? = nil, message: String) {
        self.kind = kind
        self.column = column
        self.key = key
        self.message = message
    }
}
