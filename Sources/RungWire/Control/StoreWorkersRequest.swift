/// `workers`: every worker the head's store has seen (what `rung workers` lists), for
/// clients that reach the head but not its store.
public struct StoreWorkersRequest: ControlRequest, Equatable {
    /// What the head answers: `StoreWorkers`.
    public typealias Reply = StoreWorkers
    /// Sent as `"op": "workers"`.
    public static let op = ControlOp.workers

    /// A workers request (it has no fields).
    public init() {}
}
