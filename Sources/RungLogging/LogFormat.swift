/// `--log-format`: how each log event is written (docs/logging.md).
public enum LogFormat: String, Sendable, CaseIterable {
    /// `rung head: message key=value …`, one event per line (the default).
    case text
    /// One JSON object per line: `ts`, `level`, `logger`, `msg` and the metadata.
    case json
}
