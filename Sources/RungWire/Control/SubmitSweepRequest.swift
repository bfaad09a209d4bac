/// `submit`: hands the head a sweep config; the reply carries the new sweep's id.
public struct SubmitSweepRequest: ControlRequest, Equatable {
    /// What the head answers: `SweepIDReply`.
    public typealias Reply = SweepIDReply
    /// Sent as `"op": "submit"`.
    public static let op = ControlOp.submit
    /// Descriptions of the fields for error messages.
    public static let fieldHelp = ["config": "the sweep YAML text", "path": "where the config is, for messages and relative recipe paths",
                                   "data": "a prepared-data location"]

    /// The sweep YAML text.
    public var config: String
    /// The config's path (for messages and relative recipe paths); nil: "submitted config".
    public var path: String?
    /// Prepared splits on the head's machine instead of the config's data.
    public var data: String?

    /// A submit request.
    public init(config: String, path: String? = nil, data: String? = nil) {
        self.config = config
        self.path = path
        self.data = data
    }
}
