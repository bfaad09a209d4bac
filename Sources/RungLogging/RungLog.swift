import Foundation
import Logging

/// rung's logging set-up (docs/logging.md): `--log-format` and `--log-level` bootstrap
/// swift-log once per process, and the line-oriented log closures the head and worker
/// already have are routed through a `Logger` with the sweep, trial and worker a line
/// names as metadata.
public enum RungLog {
    nonisolated(unsafe) private static var settings: (format: LogFormat, level: Logger.Level) = (.text, .info)
    private static let lock = NSLock()
    nonisolated(unsafe) private static var bootstrapped = false

    /// Sets the format and level of every logger made afterwards (once per process; later
    /// calls change the settings only for loggers made after them).
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        lock.lock()
        settings = (format, level)
        let first = !bootstrapped
        bootstrapped = true
        lock.unlock()
        guard first else { return }
        LoggingSystem.bootstrap { label in
            lock.lock()
            let (format, level) = settings
            lock.unlock()
            var handler = LineLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }

    /// Parses `--log-level` (swift-log's names: trace, debug, info, notice, warning, error, critical).
    public static func level(named name: String) -> Logger.Level? { Logger.Level(rawValue: name.lowercased()) }

    /// A logger called `label` (`rung head`, `rung worker`).
    public static func logger(_ label: String) -> Logger { Logger(label: label) }

    /// A closure for the existing line logs: each line becomes one event of `logger` at
    /// `level` (warning when it says so), with `sweep`, `trial` and `worker` metadata taken
    /// from the words the line uses (`trial 41`, `worker w1`, `sweep 3`).
    public static func lineSink(_ logger: Logger, level: Logger.Level = .info) -> @Sendable (String) -> Void {
        { line in
            let metadata = LogLineMetadata.extract(from: line)
            logger.log(level: Self.level(of: line, at: level), "\(line)", metadata: metadata.isEmpty ? nil : metadata)
        }
    }

    /// A closure for structured call sites: each `LogLine` becomes one event of `logger`
    /// with the sweep, trial and worker the call site gave as metadata.
    public static func eventSink(_ logger: Logger, level: Logger.Level = .info) -> @Sendable (LogLine) -> Void {
        { event in
            let metadata = event.metadata
            logger.log(level: Self.level(of: event.text, at: level), "\(event.text)", metadata: metadata.isEmpty ? nil : metadata)
        }
    }

    /// `level`, or warning when the line reports a failure, an error or a loss (not a
    /// setting such as "lost after 5000 ms").
    static func level(of line: String, at level: Logger.Level) -> Logger.Level {
        let lowered = line.lowercased().replacingOccurrences(of: "lost after", with: "")
        return (lowered.contains("failed") || lowered.contains("error") || lowered.contains("lost")) ? max(level, .warning) : level
    }
}
