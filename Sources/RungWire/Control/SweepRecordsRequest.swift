import RungCore

/// `records`: sweeps as the head's store holds them — what `rung leaderboard`, `rung sweep
/// ls` and `rung sweep show` read — for clients that reach the head but not its store.
public struct SweepRecordsRequest: ControlRequest, Equatable {
    /// What the head answers: `SweepRecords`.
    public typealias Reply = SweepRecords
    /// Sent as `"op": "records"`.
    public static let op = ControlOp.records
    /// Descriptions of the fields for error messages.
    public static let fieldHelp = ["sweep": "a sweep id, or absent for every sweep",
                                   "details": "whether to send studies, trials and epochs"]
    /// The numeric fields' ranges.
    public static let integerRanges: [String: ClosedRange<Int64>] = ["sweep": sweepIDRange]

    /// One sweep, or nil for every sweep.
    public var sweep: Int64?
    /// Whether the reply carries the sweeps' studies, trials and epoch results and the
    /// registered model versions (false: the sweep rows only).
    public var details: Bool

    /// A request for `sweep` (nil: every sweep), with or without its details.
    public init(sweep: Int64? = nil, details: Bool = true) {
        self.sweep = sweep
        self.details = details
    }

    enum CodingKeys: String, CodingKey { case sweep, details }

    /// Reads a request; `details` is true when absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sweep = try c.decodeIfPresent(Int64.self, forKey: .sweep)
        details = try c.decodeIfPresent(Bool.self, forKey: .details) ?? true
    }
}

/// The reply of `records`: the head's store location (any password masked) and its rows.
/// A reply must fit one control frame; the head refuses a larger one with a clear error.
public struct SweepRecords: ControlReply, Equatable {
    /// Always true in a success reply.
    public var ok: Bool
    /// The head's store location, any password masked.
    public var store: String
    /// The sweeps asked for, by id.
    public var sweeps: [SweepRecord]
    /// Their studies (empty without details).
    public var studies: [StudyRecord]
    /// Their trials (empty without details).
    public var trials: [TrialRecord]
    /// Their epoch results (empty without details).
    public var epochs: [EpochRecord]
    /// Every registered model version, by family and version (empty without details).
    public var modelVersions: [ModelVersion]

    /// A records reply.
    public init(ok: Bool = true, store: String, sweeps: [SweepRecord], studies: [StudyRecord] = [],
                trials: [TrialRecord] = [], epochs: [EpochRecord] = [], modelVersions: [ModelVersion] = []) {
        self.ok = ok
        self.store = store
        self.sweeps = sweeps
        self.studies = studies
        self.trials = trials
        self.epochs = epochs
        self.modelVersions = modelVersions
    }
}
