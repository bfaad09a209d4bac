/// `drain`: a worker finishes its trials, takes no more, and leaves.
public struct DrainWorkerRequest: ControlRequest, Equatable {
    /// What the head answers: `ControlOK`.
    public typealias Reply = ControlOK
    /// Sent as `"op": "drain"`.
    public static let op = ControlOp.drain
    /// Descriptions of the fields for error messages.
    public static let fieldHelp = ["worker": "a worker's name"]

    /// The worker's name.
    public var worker: String

    /// A drain request for `worker`.
    public init(worker: String) { self.worker = worker }
}
