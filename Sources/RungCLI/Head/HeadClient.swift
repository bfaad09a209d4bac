import Foundation
import RungCore
import RungWire

/// The CLI's client of a running head is RungWire's `HeadControlClient`; this names it as
/// the commands use it and adds how they find the endpoint and the key directory.
public typealias HeadClient = HeadControlClient

extension HeadControlClient {
    /// Connects to `endpoint`; `keys` is a key directory, nil for `$RUNG_KEYS` (unset or
    /// empty: no keys). Replies are awaited up to `timeoutMillis`.
    public convenience init(endpoint: String, timeoutMillis: Int32 = 5000, keys: String?) throws {
        let clientKeys = try Self.keyDirectory(keys).map { try CurveClientKeys.load(directory: URL(fileURLWithPath: $0)) }
        try self.init(endpoint: endpoint, clientKeys: clientKeys, timeoutMillis: timeoutMillis)
    }

    /// The key directory from `--keys`, else `$RUNG_KEYS`; nil (no keys) when neither is set
    /// or the value is empty.
    public static func keyDirectory(_ option: String?) -> String? {
        option.flatMap { $0.isEmpty ? nil : $0 } ?? EnvironmentDefault.value("RUNG_KEYS")
    }
}
