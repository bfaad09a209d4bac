import Foundation
import RungCore

/// A CSV file as read, before any recipe is applied: the header and, per column, one
/// level code per row (`ByteInterner` levels), stored column by column.
struct RawTable: Sendable {
    var sourceName: String
    var header: [String]
    var rowCount: Int
    /// Per column, one level code per row.
    var codes: [[Int32]]
    /// The distinct values of each column.
    var levels: [ByteInterner]
    /// The 1-based line each row starts on.
    var lines: [Int32]
    /// Lines of records skipped because they had the wrong number of fields.
    var skippedLines: [Int]

    var columnCount: Int { header.count }

    /// The index of the column named `name`.
    func index(of name: String) -> Int? { header.firstIndex(of: name) }

    /// Bytes replaced by U+FFFD while reading (`csv.invalid_bytes: replace`).
    var replacedBytes = 0

    /// Parses CSV `bytes` whose first record is the header. A record with a different
    /// number of fields is an error naming the line, or skipped when `skipBadRecords`.
    static func parse(_ bytes: [UInt8], sourceName: String, delimiter: UInt8 = UInt8(ascii: ","),
                      skipBadRecords: Bool = false) throws -> RawTable {
        try parse(bytes, sourceName: sourceName, dialect: CSVDialect(delimiter: delimiter), skipBadRecords: skipBadRecords)
    }

    /// Parses CSV `bytes` written in `dialect`: the header is the first record, or
    /// `dialect.columns` (which, with a header line, replace its names).
    static func parse(_ input: [UInt8], sourceName: String, dialect: CSVDialect, skipBadRecords: Bool = false) throws -> RawTable {
        var bytes = input
        var replaced = 0
        if let prepared = CSVText.prepare(input, dialect: dialect) {
            bytes = prepared.bytes
            replaced = prepared.replaced
        }
        var builder = Builder(sourceName: sourceName, skipBadRecords: skipBadRecords)
        builder.reserve(bytes: bytes.count)
        if !dialect.header {
            guard let names = dialect.columns else {
                throw RungError.badInput("\(sourceName): without a header line the columns need names (`csv.columns`).")
            }
            builder.headerFields = names
            try builder.endRecord(fieldCount: names.count, line: 0)
        } else {
            builder.renamed = dialect.columns
        }
        let reader = CSVReader(sourceName: sourceName, dialect: dialect)
        try bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress {
                builder.wideStart = UnsafeRawPointer(base)
                builder.wideEnd = UnsafeRawPointer(base + max(buffer.count - 8, 0))
            }
            try reader.read(buffer, into: &builder)
        }
        guard builder.header != nil else { throw RungError.badInput("\(sourceName) is empty: it has no header line.") }
        var table = builder.table()
        table.replacedBytes = replaced
        return table
    }

    /// The visitor that interns fields column by column.
    struct Builder: CSVFieldVisitor {
        let sourceName: String
        let skipBadRecords: Bool
        var header: [String]?
        var headerFields: [String] = []
        var store: ColumnStore?
        /// Fields starting in `wideStart ..< wideEnd` lie inside the input with eight bytes to spare.
        var wideStart = UnsafeRawPointer(bitPattern: 1)!
        var wideEnd: UnsafeRawPointer?
        var lines: [Int32] = []
        var skipped: [Int] = []
        var columns = 0
        var sizeHint = 0
        /// Names that replace those of the header line.
        var renamed: [String]?
        /// The line of the header record (0 when `csv.columns` stands in for it).
        var headerLine = 0

        init(sourceName: String, skipBadRecords: Bool) {
            self.sourceName = sourceName
            self.skipBadRecords = skipBadRecords
        }

        mutating func reserve(bytes: Int) { sizeHint = bytes }

        mutating func field(_ bytes: UnsafeBufferPointer<UInt8>, index: Int) throws {
            if header == nil {
                headerFields.append(String(decoding: bytes, as: UTF8.self))
                return
            }
            if index < columns {
                // Fields that start at least eight bytes before the end of the input (and are
                // not an unescaped copy) can be packed with one unaligned load.
                let wide = bytes.baseAddress.map { UnsafeRawPointer($0) < wideEnd.unsafelyUnwrapped && UnsafeRawPointer($0) >= wideStart } ?? false
                store.unsafelyUnwrapped.columns[index].add(bytes, readable8: wide)
            }
        }

        mutating func endRecord(fieldCount: Int, line: Int) throws {
            guard header != nil else {
                if let renamed, line > 0 {
                    guard renamed.count == headerFields.count else {
                        throw RungError.badInput("\(sourceName) line \(line): the header has \(headerFields.count) columns but `csv.columns` names \(renamed.count).")
                    }
                    headerFields = renamed
                }
                var seen = Set<String>()
                for (k, name) in headerFields.enumerated() {
                    if name.isEmpty {
                        throw RungError.badInput(line == 0 ? "\(sourceName): column \(k + 1) of `csv.columns` has no name." : "\(sourceName) line \(line): header column \(k + 1) has no name.")
                    }
                    if !seen.insert(name).inserted {
                        throw RungError.badInput(line == 0 ? "\(sourceName): `csv.columns` names column `\(name)` twice." : "\(sourceName) line \(line): the header names column `\(name)` twice.")
                    }
                }
                header = headerFields
                headerLine = line
                columns = headerFields.count
                // Every record takes at least `columns` bytes, so this capacity never has to
                // grow; pages that are never written cost nothing.
                let rows = sizeHint / max(columns, 1) + 1
                store = ColumnStore(columns: columns, capacity: max(rows, 16))
                lines.reserveCapacity(rows)
                return
            }
            if fieldCount == columns {
                lines.append(Int32(truncatingIfNeeded: line))
                return
            }
            if skipBadRecords {
                for k in 0..<min(fieldCount, columns) { store.unsafelyUnwrapped.columns[k].count -= 1 }
                skipped.append(line)
                return
            }
            throw RungError.badInput(
                "\(sourceName) line \(line): expected \(columns) fields as in the \(headerLine == 0 ? "`csv.columns`" : "header"), found \(fieldCount).")
        }

        func table() -> RawTable {
            RawTable(sourceName: sourceName, header: header ?? [], rowCount: lines.count, codes: store?.columns.map(\.codesArray) ?? [],
                     levels: store?.columns.map(\.levels) ?? [], lines: lines, skippedLines: skipped)
        }
    }

    /// One column while it is read: its distinct values and the code of every row, in a
    /// manually grown buffer (owned by `ColumnStore`) so appending does no uniqueness checks.
    struct RawColumn {
        var levels = ByteInterner()
        var codes: UnsafeMutablePointer<Int32>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            codes = .allocate(capacity: capacity)
        }

        @inline(__always)
        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, readable8: Bool) {
            if count == capacity {
                let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: capacity * 2)
                bigger.update(from: codes, count: count)
                codes.deallocate()
                codes = bigger
                capacity *= 2
            }
            codes[count] = levels.intern(bytes, readable8: readable8)
            count += 1
        }

        var codesArray: [Int32] { Array(UnsafeBufferPointer(start: codes, count: count)) }
    }

    /// Owns the columns' buffers while a file is read; frees them when released.
    final class ColumnStore {
        let columns: UnsafeMutableBufferPointer<RawColumn>

        init(columns n: Int, capacity: Int) {
            columns = .allocate(capacity: n)
            for k in 0..<n { columns.initializeElement(at: k, to: RawColumn(capacity: capacity)) }
        }

        deinit {
            for k in 0..<columns.count { columns[k].codes.deallocate() }
            _ = columns.deinitialize()
            columns.deallocate()
        }
    }
}
