/// The reply of `sweep`: the sweep's name, status and message from the store, and, while
/// the head's monitor holds the sweep, its progress (the `trials`, `budget`, `metric`,
/// `best` and `workers` fields, all present or all absent).
public struct SweepStateReply: ControlReply, Equatable {
    /// A sweep's progress, as `rung sweep submit --wait` shows it.
    public struct Progress: Codable, Sendable, Equatable {
        /// Trials per status (`pending` includes trials not started yet).
        public var trials: [String: Int]
        /// The trial budget of all families.
        public var budget: Int
        /// The sweep metric's name.
        public var metric: String
        /// Each family's best value so far (null: none yet).
        public var best: [String: Double?]
        /// Connected workers.
        public var workers: Int

        /// A progress record.
        public init(trials: [String: Int], budget: Int, metric: String, best: [String: Double?], workers: Int) {
            self.trials = trials
            self.budget = budget
            self.metric = metric
            self.best = best
            self.workers = workers
        }
    }

    /// Always true in a success reply.
    public var ok: Bool
    /// The sweep's id.
    public var sweep: Int64
    /// The sweep's name.
    public var name: String
    /// The sweep's status (`running`, `finished`, `cancelled`, `failed`, …).
    public var status: String
    /// The sweep's message ("" when none).
    public var message: String
    /// The progress, while the head holds the sweep.
    public var progress: Progress?

    enum CodingKeys: String, CodingKey {
        case ok, sweep, name, status, message, trials
    }

    /// A sweep reply.
    public init(ok: Bool = true, sweep: Int64, name: String, status: String, message: String, progress: Progress? = nil) {
        self.ok = ok
        self.sweep = sweep
        self.name = name
        self.status = status
        self.message = message
        self.progress = progress
    }

    /// Reads the reply; the progress fields are read when `trials` is there.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ok = try c.decode(Bool.self, forKey: .ok)
        sweep = try c.decode(Int64.self, forKey: .sweep)
        name = try c.decode(String.self, forKey: .name)
        status = try c.decode(String.self, forKey: .status)
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        progress = c.contains(.trials) ? try Progress(from: decoder) : nil
    }

    /// Writes the reply with the progress fields beside the others (one flat object).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(sweep, forKey: .sweep)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(message, forKey: .message)
        try progress?.encode(to: encoder)
    }
}
