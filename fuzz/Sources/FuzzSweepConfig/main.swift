import CLibFuzzer
import Foundation
import RungCore

/// One libFuzzer input: one sweep config file. Parsing must give a config or throw
/// a `RungError` (which names the file, line and key), never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSweepConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // `SweepConfigParser.load` refuses a file that is not UTF-8 before parsing.
    guard size > 0, let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else {
        return 0
    }
    do {
        _ = try SweepConfigParser.parse(yaml: text, file: "fuzz.yaml")
    } catch is RungError {
    } catch {
        fatalError("the sweep config parser failed with something other than a RungError: \(error)")
    }
    return 0
}

// libFuzzer reads its flags (-max_total_time=…, corpus directories) from the command line.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzSweepConfig(data, size) })
