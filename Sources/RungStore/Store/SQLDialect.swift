/// What differs between the SQL of rung's two stores: placeholders, column types, how the
/// sweep config (text that may hold NUL) is stored, and how many epoch results one INSERT
/// carries. Everything else is written once, in `SQLStore` and `SQLSchema`.
enum SQLDialect {
    /// SQLite 3 (`SQLiteStore`).
    case sqlite
    /// PostgreSQL (`PostgresStore`).
    case postgresql

    /// `sql` with its `?` placeholders in this dialect's form: unchanged for SQLite,
    /// `$1, $2, …` for PostgreSQL. (rung's SQL has no `?` inside string literals.)
    func render(_ sql: String) -> String {
        guard self == .postgresql else { return sql }
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                output += "$\(index)"
            } else {
                output.append(character)
            }
        }
        return output
    }

    /// A schema template's type words (`{ID}`, `{BIGINT}`, `{REAL}`, `{BYTES}`,
    /// `{WITHOUT ROWID}`) replaced by this dialect's.
    func schema(_ template: String) -> String {
        let words: [(String, String)] = switch self {
        case .sqlite: [("{ID}", "INTEGER PRIMARY KEY AUTOINCREMENT"), ("{BIGINT}", "INTEGER"), ("{REAL}", "REAL"),
                       ("{BYTES}", "TEXT"), ("{WITHOUT ROWID}", " WITHOUT ROWID")]
        case .postgresql: [("{ID}", "BIGINT PRIMARY KEY"), ("{BIGINT}", "BIGINT"), ("{REAL}", "DOUBLE PRECISION"),
                           ("{BYTES}", "BYTEA"), ("{WITHOUT ROWID}", "")]
        }
        return words.reduce(template) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    /// A query answering 1 when the `schema_migrations` table exists, else 0.
    var migrationsTableExists: String {
        switch self {
        case .sqlite: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        case .postgresql: "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END"
        }
    }

    /// How many epoch results one INSERT writes: SQLite runs one cached statement per row
    /// (no round trip), PostgreSQL sends up to 200 rows per statement (one round trip).
    var epochRowsPerInsert: Int { self == .sqlite ? 1 : 200 }

    // MARK: Bytes columns (`{BYTES}`): SQLite text holds NUL, PostgreSQL text cannot.

    /// The select expression reading a bytes column as text.
    func selectBytes(_ column: String) -> String { self == .sqlite ? column : "encode(\(column), 'hex')" }

    /// The parameter expression writing text into a bytes column.
    var bytesParameter: String { self == .sqlite ? "?" : "decode(?, 'hex')" }

    /// Text as the value bound to `bytesParameter`.
    func bytesValue(_ text: String) -> SQLValue { self == .sqlite ? .text(text) : .text(Self.hex(text)) }

    /// Text as read by `selectBytes`.
    func bytesText(_ stored: String) -> String { self == .sqlite ? stored : Self.unhex(stored) }

    /// The UTF-8 bytes of `text` as lowercase hex.
    private static func hex(_ text: String) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count * 2)
        for byte in text.utf8 {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hex digits decoded back to text.
    private static func unhex(_ text: String) -> String {
        let hex = Array(text.utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(hex.count / 2)
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return c &- UInt8(ascii: "A") &+ 10
            }
        }
        var index = 0
        while index + 1 < hex.count {
            bytes.append(nibble(hex[index]) << 4 | nibble(hex[index + 1]))
            index += 2
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
