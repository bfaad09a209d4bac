import ArgumentParser
import Foundation
import RungCLI
import RungWire
import RungWorker

/// `--head` and `--keys`: how a client command reaches a running head, shared by every
/// command that talks to one. Empty environment variables mean unset (`EnvironmentDefault`).
struct HeadConnectionOptions: ParsableArguments {
    /// The default endpoint of a head and of the head `rung run` starts (the worker's).
    static let defaultEndpoint = WorkerOptions.defaultHeadEndpoint

    @Option(help: ArgumentHelp("The head's endpoint. Default: env RUNG_HEAD, else \(HeadConnectionOptions.defaultEndpoint).",
                               valueName: "endpoint"))
    var head: String?

    @Option(help: ArgumentHelp("A CURVE key directory (this client's NAME.key and the head's head.pub) for a head started with --keys. Default: env RUNG_KEYS.",
                               valueName: "dir"))
    var keys: String?

    /// The endpoint in effect: `--head`, else `RUNG_HEAD`, else the default.
    var endpoint: String { Self.endpoint(head) }

    /// The key directory in effect: `--keys`, else `RUNG_KEYS`; nil (no keys) when neither
    /// is given.
    var keyDirectory: String? { keys.flatMap { $0.isEmpty ? nil : $0 } ?? EnvironmentDefault.value("RUNG_KEYS") }

    /// The endpoint `option` names, else `RUNG_HEAD`, else the default.
    static func endpoint(_ option: String?) -> String {
        EnvironmentDefault.resolve(option, "RUNG_HEAD", else: defaultEndpoint)
    }
}

extension HeadControlClient {
    /// The endpoint from `--head`, else `$RUNG_HEAD`, else the default (empty means unset).
    static func endpoint(_ option: String?) -> String { HeadConnectionOptions.endpoint(option) }
}
