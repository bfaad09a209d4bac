/// How a source CSV is written (the recipe's `csv:` section, docs/config.md "CSV dialect"):
/// separator, quote character, spaces around fields, comment lines, whether the first line
/// is a header, the text encoding, and the longest field accepted. The defaults read
/// RFC 4180 UTF-8 files with a header, as pandas' `read_csv` does.
public struct CSVDialect: Codable, Sendable, Equatable {
    /// The text encoding of the source bytes.
    public enum Encoding: String, Codable, Sendable, Equatable {
        /// UTF-8; an invalid byte sequence is an error (or replaced, see `invalidBytes`).
        case utf8 = "utf-8"
        /// ISO-8859-1: every byte is a character; converted to UTF-8 while reading.
        case latin1 = "latin-1"
    }

    /// What to do with a NUL byte or a byte sequence that is not valid UTF-8.
    public enum InvalidBytes: String, Codable, Sendable, Equatable {
        /// Stop with an error naming the line and column.
        case error
        /// Replace each with U+FFFD and count them.
        case replace
    }

    /// The field separator byte.
    public var delimiter: UInt8
    /// The quote byte, or nil when fields are never quoted.
    public var quote: UInt8?
    /// Whether spaces and tabs around unquoted fields (and outside quotes) are removed,
    /// as pandas' `skipinitialspace=True` does for leading spaces.
    public var trim: Bool
    /// A byte that starts a comment: from it to the end of the line is ignored, and a line
    /// that holds only a comment is skipped.
    public var comment: UInt8?
    /// Whether the first record names the columns.
    public var header: Bool
    /// Column names to use instead of (or, without a header, in place of) the header line.
    public var columns: [String]?
    /// The text encoding.
    public var encoding: Encoding
    /// NUL bytes and invalid UTF-8: an error, or counted replacements.
    public var invalidBytes: InvalidBytes
    /// The longest field accepted, in bytes; a longer one is an error naming its line.
    public var maxFieldBytes: Int

    /// The default longest field: 64 MiB.
    public static let defaultMaxFieldBytes = 64 << 20

    /// Creates a dialect; the defaults are a comma, double quotes, no trimming, no comments,
    /// a header line, UTF-8 with invalid bytes an error, and fields up to 64 MiB.
    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8? = UInt8(ascii: "\""), trim: Bool = false,
                comment: UInt8? = nil, header: Bool = true, columns: [String]? = nil, encoding: Encoding = .utf8,
                invalidBytes: InvalidBytes = .error, maxFieldBytes: Int = CSVDialect.defaultMaxFieldBytes) {
        self.delimiter = delimiter
        self.quote = quote
        self.trim = trim
        self.comment = comment
        self.header = header
        self.columns = columns
        self.encoding = encoding
        self.invalidBytes = invalidBytes
        self.maxFieldBytes = maxFieldBytes
    }

    /// Whether this dialect is the default one (so nothing about it needs recording).
    public var isDefault: Bool { self == CSVDialect() }

    enum CodingKeys: String, CodingKey {
        case delimiter, quote, trim, comment, header, columns, encoding
        case invalidBytes = "invalid_bytes", maxFieldBytes = "max_field_bytes"
    }
}
