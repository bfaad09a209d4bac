/// `sweep`: one sweep's status and, while the head holds it, its progress.
public struct SweepStateRequest: ControlRequest, Equatable {
    /// What the head answers: `SweepStateReply`.
    public typealias Reply = SweepStateReply
    /// Sent as `"op": "sweep"`.
    public static let op = ControlOp.sweep
    /// Descriptions of the fields for error messages.
    public static let fieldHelp = ["sweep": "a sweep id"]
    /// The numeric fields' ranges.
    public static let integerRanges: [String: ClosedRange<Int64>] = ["sweep": sweepIDRange]

    /// The sweep asked about.
    public var sweep: Int64

    /// A request about `sweep`.
    public init(sweep: Int64) { self.sweep = sweep }
}
