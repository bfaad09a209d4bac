import RungCore

/// Finds values in JSON text without building a document: each call scans only the
/// value it is given (internal to `ForestMerger`).
struct JSONScanner {
    /// An object's members: each key with its value's byte range.
    struct Members {
        var list: [(key: ArraySlice<UInt8>, value: Range<Int>)] = []

        subscript(key: String) -> Range<Int>? {
            let wanted = Array(key.utf8)
            return list.first { $0.key.elementsEqual(wanted) }?.value
        }
    }

    let bytes: [UInt8]

    private func failure(_ what: String, at index: Int) -> RungError {
        RungError.internalFailure("Cannot read XGBoost model JSON at byte \(index): \(what).")
    }

    private func skipSpace(_ i: inout Int) {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private func expect(_ byte: UInt8, _ i: inout Int) throws {
        guard i < bytes.count, bytes[i] == byte else { throw failure("expected '\(Character(UnicodeScalar(byte)))'", at: i) }
        i += 1
    }

    /// The end of the string starting at `i` (its opening quote), past the closing quote.
    private func stringEnd(_ start: Int) throws -> Int {
        var i = start + 1
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
        guard i < bytes.count else { throw failure("unterminated string", at: start) }
        return i + 1
    }

    /// The end of the value starting at `start` (no leading space).
    func valueEnd(_ start: Int) throws -> Int {
        guard start < bytes.count else { throw failure("unexpected end", at: start) }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try stringEnd(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""): i = try stringEnd(i); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            throw failure("unterminated object or array", at: start)
        default:
            var i = start
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]")
                    || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { break }
                i += 1
            }
            guard i > start else { throw failure("unexpected character", at: start) }
            return i
        }
    }

    /// The members of the object starting at `start` (leading space allowed).
    func members(ofObjectAt start: Int) throws -> Members {
        var i = start
        skipSpace(&i)
        try expect(UInt8(ascii: "{"), &i)
        var members = Members()
        skipSpace(&i)
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return members }
        while true {
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a key", at: i) }
            let keyEnd = try stringEnd(i)
            let key = bytes[(i + 1)..<(keyEnd - 1)]
            i = keyEnd
            skipSpace(&i)
            try expect(UInt8(ascii: ":"), &i)
            skipSpace(&i)
            let end = try valueEnd(i)
            members.list.append((key, i..<end))
            i = end
            skipSpace(&i)
            if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            try expect(UInt8(ascii: "}"), &i)
            return members
        }
    }

    /// The byte ranges of the elements of the array starting at `start`.
    func elements(ofArrayAt start: Int) throws -> [Range<Int>] {
        var i = start
        skipSpace(&i)
        try expect(UInt8(ascii: "["), &i)
        var items: [Range<Int>] = []
        skipSpace(&i)
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { return items }
        while true {
            skipSpace(&i)
            let end = try valueEnd(i)
            items.append(i..<end)
            i = end
            skipSpace(&i)
            if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            try expect(UInt8(ascii: "]"), &i)
            return items
        }
    }

    /// Whether the value at `span` is the number -1 (a leaf's missing child).
    func isMinusOne(_ span: Range<Int>) -> Bool {
        span.count == 2 && bytes[span.lowerBound] == UInt8(ascii: "-") && bytes[span.lowerBound + 1] == UInt8(ascii: "1")
    }

    /// The number at `span` as a Float.
    func float(_ span: Range<Int>) -> Float? {
        Float(String(decoding: bytes[span], as: UTF8.self))
    }
}
