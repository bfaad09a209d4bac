import Foundation
import RungCore

/// The head's durable state: sweeps, studies, trials, epoch results, workers and model
/// versions. Implemented by `SQLiteStore` and `PostgresStore` (both through `SQLStore`).
///
/// Every call is synchronous and throws `RungError`. An instance is confined to the one
/// thread that opened it (the protocol is class-bound and not `Sendable`); the head opens
/// exactly one writable store, and read-only CLI commands may open more with
/// `readOnly: true`. Creation calls ignore the id/version in the record they are given and
/// return the record with the one the store assigned. Update calls replace every mutable
/// field of an existing row and throw if the row does not exist.
public protocol Store: AnyObject {
    /// The store's location with any password masked, for messages.
    var location: String { get }
    /// Whether the store was opened read-only (every write then throws `RungError.usage`).
    var isReadOnly: Bool { get }

    /// Runs `body` in one transaction: all its writes commit together, or none do if it
    /// throws. Transactions nest (an inner one is a savepoint).
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// Releases the connection and the writer lock; later calls throw.
    func close()

    // MARK: Sweeps
    /// Inserts a sweep and returns it with its new id.
    func createSweep(_ sweep: SweepRecord) throws -> SweepRecord
    /// The sweep with this id, or nil.
    func sweep(id: Int64) throws -> SweepRecord?
    /// Sweeps (all, or those in `statuses`), ordered by id.
    func sweeps(statuses: Set<SweepRecord.Status>?) throws -> [SweepRecord]
    /// Replaces a sweep's name, config, seed, status, data version, timestamps and message.
    func updateSweep(_ sweep: SweepRecord) throws

    // MARK: Studies
    /// Inserts a study; its sweep must exist and `(sweepID, family)` must be new.
    func createStudy(_ study: StudyRecord) throws
    /// The study `(sweepID, family)`, or nil.
    func study(sweepID: Int64, family: String) throws -> StudyRecord?
    /// The studies of a sweep, ordered by family.
    func studies(sweepID: Int64) throws -> [StudyRecord]
    /// Replaces a study's trial budget.
    func updateStudy(_ study: StudyRecord) throws

    // MARK: Trials
    /// Inserts a trial (its study must exist) and returns it with its global id: `trial.id`
    /// when it is positive (the head allocates ids as the store's only writer), else a new one.
    func createTrial(_ trial: TrialRecord) throws -> TrialRecord
    /// The largest trial id in the store (0 when there is none).
    func largestTrialID() throws -> Int64
    /// The trial with this id, or nil.
    func trial(id: Int64) throws -> TrialRecord?
    /// The trials matching `query`, ordered by id.
    func trials(matching query: TrialQuery) throws -> [TrialRecord]
    /// Replaces a trial's mutable fields (everything except id, sweep, family, number).
    func updateTrial(_ trial: TrialRecord) throws

    // MARK: Epoch results
    /// Inserts epoch results in one transaction and returns how many were new; a result
    /// whose `(trialID, epoch)` is already stored is skipped (a re-attached worker may re-send).
    @discardableResult
    func recordEpochs(_ epochs: [EpochRecord]) throws -> Int
    /// A trial's epoch results, ordered by epoch.
    func epochs(trialID: Int64) throws -> [EpochRecord]
    /// All epoch results of a sweep's trials (optionally of one family), ordered by trial id then epoch.
    func epochs(sweepID: Int64, family: String?) throws -> [EpochRecord]

    // MARK: Workers
    /// Inserts a worker; its name must be new.
    func createWorker(_ worker: WorkerRecord) throws
    /// The worker with this name, or nil.
    func worker(name: String) throws -> WorkerRecord?
    /// Workers (all, or those in `statuses`), ordered by name.
    func workers(statuses: Set<WorkerRecord.Status>?) throws -> [WorkerRecord]
    /// Replaces a worker's host, slots, status and timestamps.
    func updateWorker(_ worker: WorkerRecord) throws
    /// Inserts the worker or, if its name exists, updates it keeping the first `firstSeen`.
    func saveWorker(_ worker: WorkerRecord) throws

    // MARK: Model versions
    /// Inserts a model version numbered one more than the family's highest and returns it.
    /// At most one version per family may be `production`: archive the old one first.
    func createModelVersion(_ version: ModelVersion) throws -> ModelVersion
    /// The version `(family, version)`, or nil.
    func modelVersion(family: String, version: Int) throws -> ModelVersion?
    /// The versions of a family (or of every family), ordered by family then version.
    func modelVersions(family: String?) throws -> [ModelVersion]
    /// Replaces a version's stage, sweep and trial ids, uri and metrics.
    func updateModelVersion(_ version: ModelVersion) throws

    // MARK: Drift results
    /// Inserts the retrain gate's result or, if its key is stored, sets its sweep id (when the
    /// record has one): writing the same result twice stores it once.
    func saveDriftResult(_ result: DriftResultRecord) throws
    /// The drift results (all, or those of one sweep), ordered by time then key.
    func driftResults(sweepID: Int64?) throws -> [DriftResultRecord]
}

extension Store {
    /// Every sweep, ordered by id.
    public func sweeps() throws -> [SweepRecord] { try sweeps(statuses: nil) }
    /// Every worker, ordered by name.
    public func workers() throws -> [WorkerRecord] { try workers(statuses: nil) }
    /// The trials of one sweep (optionally one family), ordered by id.
    public func trials(sweepID: Int64, family: String? = nil) throws -> [TrialRecord] {
        try trials(matching: TrialQuery(sweepID: sweepID, family: family))
    }
    /// The production version of a family, if there is one.
    public func productionVersion(family: String) throws -> ModelVersion? {
        try modelVersions(family: family).last { $0.stage == .production }
    }
}
