import Dispatch
import Foundation

/// Turns SIGINT/SIGTERM into a flag the head's loop checks between passes; the signals are
/// handled on a dispatch queue, never in a C signal handler.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var sources: [DispatchSourceSignal] = []

    /// Starts catching SIGINT and SIGTERM.
    public init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.bump() }
            source.resume()
            sources.append(source)
        }
    }

    private func bump() { lock.lock(); count += 1; lock.unlock() }

    /// How many stop signals arrived so far.
    public var received: Int { lock.lock(); defer { lock.unlock() }; return count }
}
