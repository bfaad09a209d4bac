import CLibFuzzer
import Foundation
import RungCore
@testable import RungData

/// One libFuzzer input: one CSV file, read as `rung data prepare` reads it — the
/// scanner, the column-by-column table, then cleaning with inferred kinds — and as
/// `rung predict` reads it, skipping unreadable records. Every failure must be a thrown
/// `RungError` naming the problem, never a crash. (`RawTable` and `TableCleaner` are
/// internal: `fuzz/run.sh` builds with `-enable-testing`.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    var counter = FieldCounter()
    do {
        try bytes.withUnsafeBufferPointer { try CSVReader(sourceName: "fuzz.csv").read($0, into: &counter) }
    } catch is RungError {
    } catch {
        fatalError("CSVReader failed with something other than a RungError: \(error)")
    }
    for skip in [false, true] {
        do {
            let raw = try RawTable.parse(bytes, sourceName: "fuzz.csv", skipBadRecords: skip)
            var spec = CleaningSpec()
            if let last = raw.header.last { spec.target = .init(name: last, source: last, positive: ["1"], negative: ["0"]) }
            _ = try TableCleaner(spec: spec, kinds: .infer, skipBadRows: skip).clean(raw)
        } catch is RungError {
        } catch {
            fatalError("reading a CSV failed with something other than a RungError: \(error)")
        }
    }
    return 0
}

/// Checks what the scanner hands over: field indexes count up from 0 within a record.
private struct FieldCounter: CSVFieldVisitor {
    var next = 0

    mutating func field(_ bytes: UnsafeBufferPointer<UInt8>, index: Int) throws {
        precondition(index == next, "field \(index) came after field \(next - 1)")
        next += 1
    }

    mutating func endRecord(fieldCount: Int, line: Int) throws {
        precondition(fieldCount == next && fieldCount > 0 && line > 0, "record of \(fieldCount) fields at line \(line)")
        next = 0
    }
}

// libFuzzer reads its flags (-max_total_time=…, corpus directories) from the command line.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzCSV(data, size) })
