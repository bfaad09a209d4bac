/// `top`: the snapshot `rung top` draws (docs/top.md); every field is optional.
public struct TopSnapshotRequest: ControlRequest, Equatable {
    /// What the head answers: `TopSnapshot`.
    public typealias Reply = TopSnapshot
    /// Sent as `"op": "top"`.
    public static let op = ControlOp.top
    /// Descriptions of the fields for error messages.
    public static let fieldHelp = ["sweep": "a sweep id", "family": "a family name",
                                   "sort": "metric, id, duration or status", "limit": "the most trials to send, at most 200"]
    /// The numeric fields' ranges.
    public static let integerRanges: [String: ClosedRange<Int64>] = ["sweep": sweepIDRange, "limit": 1...200]

    /// The sweep whose trials to send (nil: the first running one).
    public var sweep: Int64?
    /// Only this family's trials (nil: all).
    public var family: String?
    /// The trial order: `metric`, `id`, `duration` or `status` (nil: metric).
    public var sort: String?
    /// The most trials to send (nil or more than 200: 200).
    public var limit: Int?

    /// A top request.
    public init(sweep: Int64? = nil, family: String? = nil, sort: String? = nil, limit: Int? = nil) {
        self.sweep = sweep
        self.family = family
        self.sort = sort
        self.limit = limit
    }
}
