import Foundation
import RungCore

/// A fast RFC 4180 CSV scanner over bytes: quoted fields may hold delimiters, doubled
/// quotes and line breaks; records end with LF, CRLF or CR; blank lines and a leading
/// UTF-8 byte-order mark are skipped; a quote inside an unquoted field is kept as is.
/// It does no per-field allocation: fields are handed to a `CSVFieldVisitor`.
public struct CSVReader: Sendable {
    /// The field separator byte; a comma unless told otherwise.
    public var delimiter: UInt8
    /// The name used in error messages (usually the file's last path component).
    public var sourceName: String

    /// Creates a reader that names `sourceName` in its errors.
    public init(sourceName: String, delimiter: UInt8 = UInt8(ascii: ",")) {
        self.sourceName = sourceName
        self.delimiter = delimiter
    }

    /// Scans `bytes` from the start, calling `visitor` for every field and record.
    /// Throws `RungError.badInput` naming the line and field for a quote that is never
    /// closed or a character that follows a closing quote.
    public func read<V: CSVFieldVisitor>(_ bytes: UnsafeBufferPointer<UInt8>, into visitor: inout V) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let n = bytes.count
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        let delim = delimiter
        var special = [Bool](repeating: false, count: 256)
        special[Int(delim)] = true
        special[Int(lf)] = true
        special[Int(cr)] = true
        var scratch = [UInt8]()
        // A UTF-8 byte-order mark before the first record is not part of it.
        var i = (n >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF) ? 3 : 0
        var line = 1
        try special.withUnsafeBufferPointer { isSpecial in
            recordLoop: while i < n {
                // Skip blank lines between records.
                let first = base[i]
                if first == lf { i += 1; line += 1; continue }
                if first == cr {
                    i += 1
                    if i < n && base[i] == lf { i += 1 }
                    line += 1
                    continue
                }
                let recordLine = line
                var fieldIndex = 0
                fieldLoop: while true {
                    if i < n && base[i] == quote {
                        i += 1
                        let start = i
                        var collapse = false
                        while true {
                            guard i < n else {
                                throw RungError.badInput(
                                    "\(sourceName) line \(recordLine), field \(fieldIndex + 1): a quoted field is never closed.")
                            }
                            let c = base[i]
                            if c == quote {
                                if i + 1 < n && base[i + 1] == quote { collapse = true; i += 2; continue }
                                break
                            }
                            if c == lf { line += 1 } else if c == cr && !(i + 1 < n && base[i + 1] == lf) { line += 1 }
                            i += 1
                        }
                        let end = i
                        i += 1 // closing quote
                        if i < n {
                            let c = base[i]
                            if c != delim && c != lf && c != cr {
                                let shown = c < 0x80 ? String(UnicodeScalar(c)) : String(format: "0x%02X", c)
                                throw RungError.badInput(
                                    "\(sourceName) line \(line), field \(fieldIndex + 1): unexpected character `\(shown)` after a closing quote.")
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
                        while i < n && !isSpecial[Int(base[i])] { i += 1 }
                        try visitor.field(UnsafeBufferPointer(start: base + start, count: i - start), index: fieldIndex)
                    }
                    fieldIndex += 1
                    guard i < n else { break fieldLoop }
                    let c = base[i]
                    if c == delim { i += 1; continue fieldLoop }
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
