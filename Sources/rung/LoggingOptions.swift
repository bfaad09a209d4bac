import ArgumentParser
import Foundation
import Logging
import RungLogging

/// `--log-format` and `--log-level` of the long-running commands (`rung head`, `rung
/// worker`, `rung run`, `rung serve`; docs/ecosystem.md, "Logs"): given either, log lines go
/// through swift-log, one event per line, with the sweep, trial and worker as metadata.
struct LoggingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Log lines as text or json (one JSON object per line). Default: env RUNG_LOG_FORMAT, else text.", valueName: "format"))
    var logFormat: String?

    @Option(help: ArgumentHelp("The lowest level logged: trace, debug, info, notice, warning, error or critical. Default: env RUNG_LOG_LEVEL, else info.", valueName: "level"))
    var logLevel: String?

    private var formatText: String? { logFormat ?? Self.environment("RUNG_LOG_FORMAT") }
    private var levelText: String? { logLevel ?? Self.environment("RUNG_LOG_LEVEL") }

    private static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    func validate() throws {
        if let format = formatText, LogFormat(rawValue: format) == nil {
            throw ValidationError("--log-format must be text or json, not \(format).")
        }
        if let level = levelText, RungLog.level(named: level) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical, not \(level).")
        }
    }

    /// Whether either setting was given (otherwise the command keeps its plain lines).
    var isSet: Bool { formatText != nil || levelText != nil }

    /// Bootstraps swift-log with these settings and returns a line sink for `label`, or nil
    /// when neither setting was given.
    func lineSink(_ label: String, metadata: [String: String] = [:]) -> (@Sendable (String) -> Void)? {
        logger(label, metadata: metadata).map { RungLog.lineSink($0) }
    }

    /// Like `lineSink`, for the events of structured call sites (`LogLine`: the sweep, trial
    /// and worker as the call site gave them).
    func eventSink(_ label: String, metadata: [String: String] = [:]) -> (@Sendable (LogLine) -> Void)? {
        logger(label, metadata: metadata).map { RungLog.eventSink($0) }
    }

    /// Bootstraps swift-log and makes the logger for `label`; nil when neither setting was given.
    private func logger(_ label: String, metadata: [String: String]) -> Logger? {
        guard isSet else { return nil }
        RungLog.bootstrap(format: formatText.flatMap(LogFormat.init(rawValue:)) ?? .text,
                          level: levelText.flatMap(RungLog.level(named:)) ?? .info)
        var logger = RungLog.logger(label)
        for (key, value) in metadata { logger[metadataKey: key] = .string(value) }
        return logger
    }

    /// Passes the settings to child processes (the local workers of `rung run`) through
    /// their environment, where `rung worker` reads them.
    func exportToChildren() {
        if let formatText { setenv("RUNG_LOG_FORMAT", formatText, 1) }
        if let levelText { setenv("RUNG_LOG_LEVEL", levelText, 1) }
    }
}
