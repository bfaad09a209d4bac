import CLibFuzzer
import Foundation
import RungCore
import RungWire

/// One libFuzzer input: the JSON of one `control` frame, read as the head reads it
/// (header, then the op's request), and the same text read as each reply a client reads.
/// Every failure must be a thrown error (a `RungError` for requests), never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControl(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // The wire decoder only hands over valid UTF-8.
    guard size > 0, let json = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else {
        return 0
    }
    readRequest(json)
    readReplies(json)
    return 0
}

private func readRequest(_ json: String) {
    do {
        switch try ControlCodec.header(of: json).op {
        case .submit: _ = try ControlCodec.decode(SubmitSweepRequest.self, from: json)
        case .cancel: _ = try ControlCodec.decode(CancelSweepRequest.self, from: json)
        case .status: _ = try ControlCodec.decode(HeadStatusRequest.self, from: json)
        case .top: _ = try ControlCodec.decode(TopSnapshotRequest.self, from: json)
        case .sweep: _ = try ControlCodec.decode(SweepStateRequest.self, from: json)
        case .drain: _ = try ControlCodec.decode(DrainWorkerRequest.self, from: json)
        case .workers: _ = try ControlCodec.decode(StoreWorkersRequest.self, from: json)
        case .records: _ = try ControlCodec.decode(SweepRecordsRequest.self, from: json)
        }
    } catch is RungError {
        // The head sends these back as error replies.
    } catch {
        fatalError("a control request failed with something other than a RungError: \(error)")
    }
}

private func readReplies(_ json: String) {
    _ = try? ControlCodec.decode(reply: SweepIDReply.self, from: json)
    _ = try? ControlCodec.decode(reply: ControlOK.self, from: json)
    _ = try? ControlCodec.decode(reply: HeadStatus.self, from: json)
    _ = try? ControlCodec.decode(reply: TopSnapshot.self, from: json)
    _ = try? ControlCodec.decode(reply: SweepStateReply.self, from: json)
    _ = try? ControlCodec.decode(reply: StoreWorkers.self, from: json)
    _ = try? ControlCodec.decode(reply: SweepRecords.self, from: json)
}

// libFuzzer reads its flags (-max_total_time=…, corpus directories) from the command line.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzControl(data, size) })
