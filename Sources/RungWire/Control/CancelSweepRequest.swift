/// `cancel`: stops a running sweep; answered with its id, or an error if it is not running.
public struct CancelSweepRequest: ControlRequest, Equatable {
    /// What the head answers: `SweepIDReply`.
    public typealias Reply = SweepIDReply
    /// Sent as `"op": "cancel"`.
    public static let op = ControlOp.cancel
    /// Descriptions of the fields for error messages.
    public static let fieldHelp = ["sweep": "a sweep id"]
    /// The numeric fields' ranges.
    public static let integerRanges: [String: ClosedRange<Int64>] = ["sweep": sweepIDRange]

    /// The sweep to cancel.
    public var sweep: Int64

    /// A cancel request for `sweep`.
    public init(sweep: Int64) { self.sweep = sweep }
}
