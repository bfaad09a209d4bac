import Foundation
import RungCore

/// A fast RFC 4180 CSV scanner over bytes: quoted fields may hold delimiters, doubled
/// quotes and line breaks; records end with LF, CRLF or CR; blank lines and a leading
/// UTF-8 byte-order mark are skipped; a quote inside an unquoted field is kept as is.
/// The `CSVDialect` adds another quote byte (or none), trimming of spaces around fields,
/// comments and a limit on a field's length. Every field must be UTF-8 without NUL bytes
/// (`CSVText` converts Latin-1 or replaces bad bytes beforehand when a recipe asks);
/// anything else is an error naming the line and column. It does no per-field allocation:
/// fields are handed to a `CSVFieldVisitor`, and the memory it uses besides the input is
/// at most one field's length.
public struct CSVReader: Sendable {
    /// How the file is written.
    public var dialect: CSVDialect
    /// The name used in error messages (usually the file's last path component).
    public var sourceName: String

    /// The field separator byte; a comma unless told otherwise.
    public var delimiter: UInt8 {
        get { dialect.delimiter }
        set { dialect.delimiter = newValue }
    }

    /// Creates a reader that names `sourceName` in its errors.
    public init(sourceName: String, delimiter: UInt8 = UInt8(ascii: ",")) {
        self.sourceName = sourceName
        self.dialect = CSVDialect(delimiter: delimiter)
    }

    /// Creates a reader for files written in `dialect`.
    public init(sourceName: String, dialect: CSVDialect) {
        self.sourceName = sourceName
        self.dialect = dialect
    }

    /// Scans `bytes` from the start, calling `visitor` for every field and record.
    /// Throws `RungError.badInput` naming the line and column for a quote that is never
    /// closed, a character that follows a closing quote, a field longer than
    /// `dialect.maxFieldBytes`, a NUL byte or bytes that are not UTF-8.
    public func read<V: CSVFieldVisitor>(_ bytes: UnsafeBufferPointer<UInt8>, into visitor: inout V) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let n = bytes.count
        let quoting = dialect.quote != nil
        let quote = dialect.quote ?? 0
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")
        let delim = delimiter
        let trim = dialect.trim
        let hasComment = dialect.comment != nil
        let comment = dialect.comment ?? 0
        let maxField = dialect.maxFieldBytes
        // Bytes that end the fast scan of an unquoted field: the separators, NUL and every
        // non-ASCII byte (checked as UTF-8 on the slow path), and the comment byte.
        var special = [Bool](repeating: false, count: 256)
        special[Int(delim)] = true
        special[Int(lf)] = true
        special[Int(cr)] = true
        special[0] = true
        for b in 0x80 ..< 0x100 { special[b] = true }
        if hasComment { special[Int(comment)] = true }
        var scratch = [UInt8]()
        // A UTF-8 byte-order mark before the first record is not part of it.
        var i = (n >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF) ? 3 : 0
        var line = 1
        let name = sourceName

        func tooLong(_ line: Int, _ field: Int) -> RungError {
            RungError.badInput("\(name) line \(line), column \(field + 1): field longer than \(maxField) bytes (`csv.max_field_bytes`).")
        }
        /// The length of the UTF-8 sequence at `k`, or an error naming where it is.
        func sequence(at k: Int, line: Int, field: Int) throws -> Int {
            let b = base[k]
            if b == 0 {
                throw RungError.badInput("\(name) line \(line), column \(field + 1): a NUL byte (set `csv.invalid_bytes: replace` to replace such bytes).")
            }
            if let length = CSVText.utf8SequenceLength(base, k, n) { return length }
            throw RungError.badInput(
                "\(name) line \(line), column \(field + 1): byte 0x\(String(b, radix: 16, uppercase: true)) is not UTF-8 (set `csv.encoding: latin-1` for a Latin-1 file, or `csv.invalid_bytes: replace` to replace such bytes).")
        }
        /// Skips from `k` to the end of the line (not past its line break).
        func skipToLineEnd(_ k: inout Int) {
            while k < n && base[k] != lf && base[k] != cr { k += 1 }
        }

        try special.withUnsafeBufferPointer { isSpecial in
            recordLoop: while i < n {
                // Skip blank lines (and, with trimming, lines of only spaces) and comment lines.
                var probe = i
                if trim { while probe < n && (base[probe] == space || base[probe] == tab) { probe += 1 } }
                if hasComment && probe < n && base[probe] == comment { skipToLineEnd(&probe) }
                if probe == n { break recordLoop }
                let first = base[probe]
                if first == lf || first == cr {
                    i = probe + 1
                    if first == cr && i < n && base[i] == lf { i += 1 }
                    line += 1
                    continue
                }
                let recordLine = line
                var fieldIndex = 0
                fieldLoop: while true {
                    if trim { while i < n && (base[i] == space || base[i] == tab) { i += 1 } }
                    if quoting && i < n && base[i] == quote {
                        let fieldLine = line
                        i += 1
                        let start = i
                        var collapse = false
                        while true {
                            guard i < n else {
                                throw RungError.badInput(
                                    "\(name) line \(fieldLine), column \(fieldIndex + 1): a quoted field is never closed.")
                            }
                            let c = base[i]
                            if c == quote {
                                if i + 1 < n && base[i + 1] == quote { collapse = true; i += 2; continue }
                                break
                            }
                            if c == lf { line += 1 } else if c == cr && !(i + 1 < n && base[i + 1] == lf) { line += 1 }
                            if c == 0 || c >= 0x80 { i += try sequence(at: i, line: line, field: fieldIndex); continue }
                            i += 1
                        }
                        let end = i
                        if end - start > maxField { throw tooLong(fieldLine, fieldIndex) }
                        i += 1 // closing quote
                        if trim { while i < n && (base[i] == space || base[i] == tab) { i += 1 } }
                        if i < n {
                            let c = base[i]
                            if c != delim && c != lf && c != cr && !(hasComment && c == comment) {
                                let shown = c < 0x80 ? String(UnicodeScalar(c)) : String(format: "0x%02X", c)
                                throw RungError.badInput(
                                    "\(name) line \(line), column \(fieldIndex + 1): unexpected character `\(shown)` after a closing quote.")
                            }
                        }
                        if collapse {
                            scratch.removeAll(keepingCapacity: true)
                            var k = start
                            while k < end {
                                let c = base[k]
                                scratch.append(c)
                                k += (c == quote) ? 2 : 1
                            }
                            try scratch.withUnsafeBufferPointer { try visitor.field($0, index: fieldIndex) }
                        } else {
                            try visitor.field(UnsafeBufferPointer(start: base + start, count: end - start), index: fieldIndex)
                        }
                    } else {
                        let start = i
                        while i < n {
                            let c = base[i]
                            if !isSpecial[Int(c)] { i += 1; continue }
                            if c == 0 || c >= 0x80 { i += try sequence(at: i, line: line, field: fieldIndex); continue }
                            break
                        }
                        var end = i
                        if trim { while end > start && (base[end - 1] == space || base[end - 1] == tab) { end -= 1 } }
                        if end - start > maxField { throw tooLong(recordLine, fieldIndex) }
                        try visitor.field(UnsafeBufferPointer(start: base + start, count: end - start), index: fieldIndex)
                    }
                    fieldIndex += 1
                    guard i < n else { break fieldLoop }
                    var c = base[i]
                    if c == delim { i += 1; continue fieldLoop }
                    if hasComment && c == comment {
                        skipToLineEnd(&i)
                        guard i < n else { break fieldLoop }
                        c = base[i]
                    }
                    // End of record.
                    i += 1
                    if c == cr && i < n && base[i] == lf { i += 1 }
                    line += 1
                    break fieldLoop
                }
                try visitor.endRecord(fieldCount: fieldIndex, line: recordLine)
            }
        }
    }
}
