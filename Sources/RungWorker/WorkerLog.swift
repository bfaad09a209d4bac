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
            FileHandle.standardError.write(Data("\(timestamp()) worker \(name): \(line)\n".utf8))
        }
    }

    /// The current UTC time as `2026-11-22T03:05:00.123Z`, formatted by hand: building an
    /// `ISO8601DateFormatter` for every line cost more than the rest of a trial's bookkeeping.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = Int(now.tv_nsec / 1_000_000)
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(ms)Z"
    }

    /// Writes one event line.
    public func callAsFunction(_ line: String) { sink(line) }

    /// Writes one event with the trial (and sweep, worker) it concerns.
    public func callAsFunction(_ event: LogLine) {
        if let events { events(event) } else { sink(event.text) }
    }
}
