/// `status`: the running sweeps, the connected workers and the head's counters.
public struct HeadStatusRequest: ControlRequest, Equatable {
    /// What the head answers: `HeadStatus`.
    public typealias Reply = HeadStatus
    /// Sent as `"op": "status"`.
    public static let op = ControlOp.status

    /// A status request (it has no fields).
    public init() {}
}
