/// A typed control request: its fields are the JSON object's fields besides `op` and `v`,
/// and `Reply` is what the head answers when the request succeeds.
public protocol ControlRequest: Codable, Sendable {
    /// What a successful request is answered with.
    associatedtype Reply: ControlReply
    /// The `op` this request is sent as.
    static var op: ControlOp { get }
    /// A short description of each field, used in the error for a missing or wrong field
    /// (e.g. `"config": "the sweep YAML text"`).
    static var fieldHelp: [String: String] { get }
}

extension ControlRequest {
    /// No field descriptions by default.
    public static var fieldHelp: [String: String] { [:] }
}

/// A typed reply to a control request (the JSON object in a `control_reply` frame).
public protocol ControlReply: Codable, Sendable {}
