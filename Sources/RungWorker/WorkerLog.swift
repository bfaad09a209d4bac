import Foundation

/// Where a worker's one-line event log goes: stderr with a UTC timestamp by default.
/// Safe to call from any thread (each slot thread logs its own trouble).
public struct WorkerLog: Sendable {
    private let sink: @Sendable (String) -> Void

    /// A log that hands every line (without timestamp) to `sink`; used by tests.
    public init(sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

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
}
