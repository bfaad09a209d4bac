import ArgumentParser
import Foundation
import Logging
import RungLogging

/// `--log-format` and `--log-level` of `rung head`, `rung worker` and `rung run`
/// (docs/logging.md): given either, log lines go through swift-log, one event per line,
/// with the sweep, trial and worker they name as metadata.
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
        guard isSet else { return nil }
        RungLog.bootstrap(format: formatText.flatMap(LogFormat.init(rawValue:)) ?? .text,
                          level: levelText.flatMap(RungLog.level(named:)) ?? .info)
        var logger = RungLog.logger(label)
        for (key, value) in metadata { logger[metadataKey: key] = .string(value) }
        return RungLog.lineSink(logger)
    }
}
