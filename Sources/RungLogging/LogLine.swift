import Foundation
import Logging

/// One event for a log, from a structured call site: its text and the sweep, trial and
/// worker it concerns (swift-log metadata `sweep`, `trial`, `worker` when given). The head
/// and the worker log their trial events this way (docs/ecosystem.md, "Logs").
public struct LogLine: Sendable, Equatable {
    /// The event's text, as the plain log prints it.
    public var text: String
    /// The sweep it concerns.
    public var sweep: Int64?
    /// The trial it concerns.
    public var trial: Int64?
    /// The worker it concerns.
    public var worker: String?

    /// An event with its text and what it concerns.
    public init(_ text: String, sweep: Int64? = nil, trial: Int64? = nil, worker: String? = nil) {
        self.text = text
        self.sweep = sweep
        self.trial = trial
        self.worker = worker
    }

    /// Its swift-log metadata: the fields given.
    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        if let sweep { metadata["sweep"] = .string(String(sweep)) }
        if let trial { metadata["trial"] = .string(String(trial)) }
        if let worker { metadata["worker"] = .string(worker) }
        return metadata
    }
}
