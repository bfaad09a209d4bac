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
    /// The whole numbers a request may carry, by field: a value outside its range (or not a
    /// whole number) is refused naming the field, before anything reads it.
    static var integerRanges: [String: ClosedRange<Int64>] { get }
}

extension ControlRequest {
    /// No field descriptions by default.
    public static var fieldHelp: [String: String] { [:] }
    /// No numeric fields by default.
    public static var integerRanges: [String: ClosedRange<Int64>] { [:] }
}

/// The range of a sweep id.
let sweepIDRange: ClosedRange<Int64> = 1...Int64.max

/// A typed reply to a control request (the JSON object in a `control_reply` frame).
public protocol ControlReply: Codable, Sendable {}
