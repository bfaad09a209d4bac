import Foundation
import Logging
import RungCore

/// swift-log's handler for rung: one event per line on standard error, as text
/// (`rung head: message sweep=3 trial=41`) or as one JSON object (journald and log
/// shippers read either). Lines are written with one `write` each, so threads never
/// interleave within a line.
public struct LineLogHandler: LogHandler {
    /// The logger's label (`rung head`, `rung worker`, …): the text prefix, JSON `logger`.
    public let label: String
    /// The line format.
    public let format: LogFormat
    /// Metadata every event of this logger carries.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Unused: rung sets metadata explicitly.
    public var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    /// A handler for `label` writing `format` lines to standard error, or to `write`.
    public init(label: String, format: LogFormat, write: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.format = format
        self.write = write ?? { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event as one line.
    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        write(Self.line(label: label, format: format, level: event.level, message: "\(event.message)", metadata: all, date: Date()))
    }

    /// One event as a line (with its newline).
    public static func line(label: String, format: LogFormat, level: Logger.Level, message: String,
                            metadata: Logger.Metadata, date: Date) -> String {
        let keys = metadata.keys.sorted()
        switch format {
        case .text:
            var line = label + ": "
            if level >= .warning { line += "\(level): " }
            line += message
            for key in keys { line += " \(key)=\(metadata[key]!)" }
            return line + "\n"
        case .json:
            var members: [(String, String)] = [
                ("ts", JSONText.quote(Self.timestamp(date))), ("level", JSONText.quote(level.rawValue)),
                ("logger", JSONText.quote(label)), ("msg", JSONText.quote(message)),
            ]
            for key in keys where !["ts", "level", "logger", "msg"].contains(key) {
                members.append((key, JSONText.quote("\(metadata[key]!)")))
            }
            return JSONText.object(members) + "\n"
        }
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
