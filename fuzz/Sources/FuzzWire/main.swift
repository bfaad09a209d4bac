import CLibFuzzer
import Foundation
import RungWire

/// One libFuzzer input: one worker↔head frame. Decoding must either throw a
/// `WireError` or give a message whose encoding decodes to the same encoding again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let frame = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? WireFormat.decode(frame) else { return 0 }
    let encoded = WireFormat.encode(message)
    guard let again = try? WireFormat.decode(encoded) else {
        fatalError("a decoded frame re-encodes to one that does not decode: \(message)")
    }
    // Compared as bytes: NaN metrics make messages unequal to themselves.
    guard WireFormat.encode(again) == encoded else {
        fatalError("a decoded frame does not survive encode/decode: \(message)")
    }
    return 0
}

// libFuzzer reads its flags (-max_total_time=…, corpus directories) from the command line.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzWire(data, size) })
