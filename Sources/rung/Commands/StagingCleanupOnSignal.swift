import Dispatch
import Foundation
import RungData

/// While it lives, SIGINT and SIGTERM remove the temporary directories of preparations in
/// progress (`StagingDirectories`) and end the process with status 128 + the signal, as the
/// default action would; the signals are handled on a dispatch queue, never in a C handler.
final class StagingCleanupOnSignal {
    private var sources: [DispatchSourceSignal] = []

    /// Starts catching SIGINT and SIGTERM.
    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                StagingDirectories.removeAll()
                FileHandle.standardError.write(Data("rung: stopped by signal \(sig); nothing was written.\n".utf8))
                exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for s in sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
