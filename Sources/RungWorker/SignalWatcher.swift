import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into calls of a handler on a dispatch queue (never inside a C
/// signal handler). While installed, the signals' default actions are ignored.
final class SignalWatcher {
    private var sources: [any DispatchSourceSignal] = []
    private static let signals: [Int32] = [SIGINT, SIGTERM]

    /// Starts watching; `handler` gets the signal number.
    init(handler: @escaping @Sendable (Int32) -> Void) {
        for number in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops watching and restores the default actions.
    func cancel() {
        for source in sources { source.cancel() }
        sources = []
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    deinit { cancel() }
}
