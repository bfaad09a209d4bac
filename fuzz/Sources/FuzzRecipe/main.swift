import CLibFuzzer
import Foundation
import RungCore
import RungData

/// One libFuzzer input: one dataset recipe file. Parsing must give a recipe or throw
/// a `RungError` (which names the file, line and key), never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecipe(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // `DatasetRecipe.load` refuses a file that is not UTF-8 before parsing.
    guard size > 0, let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else {
        return 0
    }
    do {
        let recipe = try DatasetRecipe.parse(yaml: text, fileName: "fuzz.yaml")
        try? recipe.validateColumns(header: ["id", "a", "b", "label"], csvName: "fuzz.csv")
    } catch is RungError {
    } catch {
        fatalError("the recipe parser failed with something other than a RungError: \(error)")
    }
    return 0
}

// libFuzzer reads its flags (-max_total_time=…, corpus directories) from the command line.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzRecipe(data, size) })
