import Foundation

/// One trial: a configuration of one family's parameters and where its training is.
public struct TrialRecord: Sendable, Equatable, Codable {
    /// Where a trial is in its life.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, running, paused, stopped, finished, failed, cancelled

        /// Whether the trial will not train again.
        public var isTerminal: Bool {
            self == .stopped || self == .finished || self == .failed || self == .cancelled
        }
    }

    /// The store-assigned, globally unique id (ignored by `Store.createTrial`).
    public var id: Int64
    /// The sweep the trial belongs to.
    public var sweepID: Int64
    /// The model family (its study is `(sweepID, family)`).
    public var family: String
    /// The trial's number within its study, from 1; unique per study.
    public var number: Int
    /// The trial's parameters as a JSON object.
    public var paramsJSON: String
    /// The trial's training seed.
    public var seed: UInt64
    /// Where the trial is in its life.
    public var status: Status
    /// The worker running (or last running) the trial.
    public var worker: String?
    /// How many times the trial was restarted after a lost worker or failure.
    public var retries: Int
    /// The last epoch reported (0 before the first report).
    public var lastEpoch: Int
    /// Where the latest checkpoint was uploaded.
    public var checkpointURI: String?
    /// Why the trial stopped, failed or was cancelled.
    public var reason: String?
    /// When the trial was created.
    public var createdAt: Date
    /// When the trial was first started.
    public var startedAt: Date?
    /// When the trial reached a terminal status.
    public var finishedAt: Date?
    /// The metrics of the finished model (validation and `test_*`), from the worker's `done`.
    public var finalMetrics: [String: Double]?
    /// What the searcher was fitted on when it suggested the parameters (nil: not recorded,
    /// e.g. trials of a store written before this was kept).
    public var suggestionFit: SuggestionFit?

    /// Creates a trial record; `id` is assigned by the store on creation.
    public init(id: Int64 = 0, sweepID: Int64, family: String, number: Int, paramsJSON: String, seed: UInt64,
                status: Status = .pending, worker: String? = nil, retries: Int = 0, lastEpoch: Int = 0,
                checkpointURI: String? = nil, reason: String? = nil, createdAt: Date = Date(),
                startedAt: Date? = nil, finishedAt: Date? = nil, finalMetrics: [String: Double]? = nil,
                suggestionFit: SuggestionFit? = nil) {
        self.id = id
        self.sweepID = sweepID
        self.family = family
        self.number = number
        self.paramsJSON = paramsJSON
        self.seed = seed
        self.status = status
        self.worker = worker
        self.retries = retries
        self.lastEpoch = lastEpoch
        self.checkpointURI = checkpointURI
        self.reason = reason
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.finalMetrics = finalMetrics
        self.suggestionFit = suggestionFit
    }
}
