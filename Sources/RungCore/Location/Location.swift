/// Where a file or directory named on the command line or in a config lives: a path on
/// this machine, an S3 prefix, or a URI of some other scheme. Every place that tells local
/// from remote locations parses them here, with one case rule: the scheme is matched without
/// regard to case, as in URLs (`s3://`, `S3://`, `file://` and `FILE://` are all recognised).
///
/// The forms (docs/cli.md, "Locations"):
/// - a plain path, relative or absolute: `.local(path)` as written;
/// - `file:///abs/path` (also `file://localhost/abs/path` and `file:/abs/path`): `.local`
///   with the percent-decoded absolute path;
/// - `s3://bucket/prefix`: `.s3(uri)` with the URI as written (trimmed);
/// - `SCHEME://…` for any other scheme: `.other(scheme:uri:)` with the scheme in lower case.
public enum Location: Hashable, Sendable, CustomStringConvertible {
    /// A path on this machine: relative (to the directory the caller chooses) or absolute.
    case local(String)
    /// An S3 location `s3://bucket/prefix`, as written.
    case s3(String)
    /// A URI with another scheme (lower-cased), e.g. `http`; the caller decides whether it
    /// accepts it.
    case other(scheme: String, uri: String)

    /// Why a text is not a location.
    public enum ParseError: Error, Equatable, Sendable {
        /// The text is empty (or only blanks).
        case empty
        /// A `file:` URI that does not name an absolute path on this machine.
        case invalidFileURI
    }

    /// Parses `text` (surrounding blanks ignored).
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingBlanks()
        guard !trimmed.isEmpty else { throw .empty }
        if let scheme = Self.scheme(of: trimmed) {
            switch scheme {
            case "s3" where trimmed.dropFirst(2).hasPrefix("://"):
                self = .s3(trimmed)
                return
            case "file":
                self = .local(try Self.filePath(trimmed))
                return
            default:
                if trimmed.dropFirst(scheme.count).hasPrefix("://") {
                    self = .other(scheme: scheme, uri: trimmed)
                    return
                }
            }
        }
        self = .local(trimmed)
    }

    /// Whether this location is in a remote blob store (S3).
    public var isRemote: Bool {
        if case .s3 = self { return true }
        return false
    }

    /// The local path, or nil for a remote or other-scheme location.
    public var localPath: String? {
        if case .local(let path) = self { return path }
        return nil
    }

    /// The location as text: the path, or the URI.
    public var description: String {
        switch self {
        case .local(let path): return path
        case .s3(let uri): return uri
        case .other(_, let uri): return uri
        }
    }

    /// Whether `text` names an S3 location (`s3://…`, any case), the quick test for callers
    /// that only tell S3 from the rest.
    public static func isS3(_ text: String) -> Bool {
        (try? Location(parsing: text))?.isRemote ?? false
    }

    /// The lower-cased URI scheme `text` starts with, or nil (see `scheme(of:)`); for callers
    /// that word the error for a malformed URI by its scheme.
    public static func scheme(ofText text: String) -> String? { scheme(of: text.trimmingBlanks()) }

    /// The lower-cased URI scheme of `text` (letters, digits, `+`, `-`, `.` before a `:`,
    /// starting with a letter), or nil when `text` does not start with one. A one-letter
    /// scheme is not taken as one, so that `C:` style paths stay paths.
    static func scheme(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon]
        guard scheme.count >= 2, let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) else {
            return nil
        }
        return scheme.lowercased()
    }

    /// The absolute, percent-decoded path of a `file:` URI.
    private static func filePath(_ uri: String) throws(ParseError) -> String {
        var rest = Substring(uri.dropFirst("file:".count))
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let host = rest.prefix { $0 != "/" }
            guard host.isEmpty || host.lowercased() == "localhost" else { throw .invalidFileURI }
            rest = rest.dropFirst(host.count)
        }
        guard rest.hasPrefix("/"), let path = percentDecoded(rest), !path.contains("\0") else { throw .invalidFileURI }
        return path
    }

    /// `text` with `%XX` escapes decoded as UTF-8, or nil when an escape is malformed.
    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard utf8.count >= 2, let high = hexValue(utf8.popFirst()!), let low = hexValue(utf8.popFirst()!) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate func trimmingBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[start...end])
    }
}
