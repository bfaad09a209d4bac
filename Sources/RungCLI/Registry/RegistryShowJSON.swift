import Foundation
import RungCore

/// `rung registry show --json`: the version and the content of its metadata.json.
public struct RegistryShowJSON: Encodable {
    var version: RegistryVersionJSON
    var directory: String
    var metadata: JSONValue

    /// The document for `version`, saved in `directory` with `metadata` (its metadata.json).
    public init(version: RegistryVersionJSON, directory: String, metadata: JSONValue) {
        self.version = version
        self.directory = directory
        self.metadata = metadata
    }

    /// Parameters as sorted `name=value` pairs.
    public static func params(_ params: [String: JSONValue]) -> String {
        guard !params.isEmpty else { return "—" }
        return params.keys.sorted().map { "\($0)=\(text(params[$0]!))" }.joined(separator: " ")
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(format: "%.4g", d)
        case .string(let s): return s
        case .array(let a): return "[" + a.map(text).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\($0):\(text(o[$0]!))" }.joined(separator: ",") + "}"
        }
    }
}
