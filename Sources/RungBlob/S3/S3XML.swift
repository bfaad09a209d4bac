/// Just enough XML reading for S3's flat responses (ListObjectsV2, errors, multipart):
/// the text of elements found by name, with the five predefined entities and numeric
/// character references decoded.
enum S3XML {
    /// The decoded text of every `<name>…</name>` element in `xml`, in order (elements of
    /// the same name must not nest, which holds for the S3 responses read here).
    static func values(_ name: String, in xml: Substring) -> [String] {
        blocks(name, in: xml).map { unescape($0) }
    }

    /// The first `<name>` element's decoded text, if any.
    static func value(_ name: String, in xml: Substring) -> String? {
        values(name, in: xml).first
    }

    /// The raw (still escaped) content of every `<name>…</name>` element.
    static func blocks(_ name: String, in xml: Substring) -> [Substring] {
        var result: [Substring] = []
        let open = "<\(name)>", close = "</\(name)>"
        var rest = xml[...]
        while let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: close) else { break }
            result.append(rest[start.upperBound..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        return result
    }

    /// Decodes `&lt; &gt; &amp; &quot; &apos;` and `&#N;`/`&#xN;`.
    static func unescape(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "&", let semicolon = text[index...].firstIndex(of: ";"),
               text.distance(from: index, to: semicolon) <= 10 {
                let entity = text[text.index(after: index)..<semicolon]
                var decoded: String?
                switch entity {
                case "lt": decoded = "<"
                case "gt": decoded = ">"
                case "amp": decoded = "&"
                case "quot": decoded = "\""
                case "apos": decoded = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let code = UInt32(entity.dropFirst(2), radix: 16),
                       let scalar = Unicode.Scalar(code) {
                        decoded = String(Character(scalar))
                    } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(code) {
                        decoded = String(Character(scalar))
                    }
                }
                if let decoded {
                    out += decoded
                    index = text.index(after: semicolon)
                    continue
                }
            }
            out.append(character)
            index = text.index(after: index)
        }
        return out
    }

    /// Escapes text for an XML element body.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
