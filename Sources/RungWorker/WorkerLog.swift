import Foundation
import RungLogging

/// Where a worker's one-line event log goes: stderr with a UTC timestamp by default.
/// Safe to call from any thread (each slot thread logs its own trouble).
public struct WorkerLog: Sendable {
    private let sink: @Sendable (String) -> Void
    private let events: (@Sendable (LogLine) -> Void)?

    /// A log that hands every line (without timestamp) to `sink`, and the trial events of
    /// structured call sites to `events` when given (else their text to `sink`).
    public init(sink: @escaping @Sendable (String) -> Void, events: (@Sendable (LogLine) -> Void)? = nil) {
        self.sink = sink
        self.events = events
    }

    /// The standard log: `2026-11-22T03:05:00.123Z worker NAME: message` on stderr.
    public static func standardError(name: String) -> WorkerLog {
        WorkerLog { line in
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let stamp = formatter.string(from: Date())
            FileHandle.standardError.write(Data("\(stamp) worker \(name): \(line)\n".utf8))
        }
    }

    /// Writes one event line.
    public func callAsFunction(_ line: String) { sink(line) }

    /// Writes one event with the trial (and sweep, worker) it concerns.
    public func callAsFunction(_ event: LogLine) {
        if let events { events(event) } else { sink(event.text) }
    }
}
