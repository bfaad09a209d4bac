import Foundation
import RungCore
import RungStore

/// The head's store, with two jobs besides passing every call to the wrapped store:
///
/// - a `HeadMonitor` listens: the sweeps, trials and epoch results written through it are
///   also shown to the monitor, so `rung top` sees every state change the head makes
///   without a hook at each one;
/// - the writes of the loop pass's transaction are journalled, so that a pass the store
///   could not commit (disk full, PostgreSQL away: a `RungError` of kind `unavailable`) can
///   be committed later, exactly as it was, by `replay`. After the first such failure in a
///   transaction the rest of its writes are only journalled ("deferred"), so the journal
///   holds every write the trial book's decisions asked for, and the head's memory and the
///   journal agree (docs/protocol.md, "Delivery").
final class MonitoredStore: Store {
    let base: any Store
    let monitor: HeadMonitor

    /// The writes of the current top-level transaction, in order, ready to run again.
    private var journal: [(any Store) throws -> Void] = []
    /// How deep in nested transactions the caller is (0: none open).
    private var depth = 0
    /// The store's failure that deferred the rest of this transaction's writes, if any.
    private(set) var failure: RungError?

    init(_ base: any Store, monitor: HeadMonitor) {
        self.base = base
        self.monitor = monitor
    }

    var location: String { base.location }
    var isReadOnly: Bool { base.isReadOnly }
    func close() { base.close() }

    /// A transaction of the wrapped store. At the top level its writes are journalled; if
    /// one of them or the commit fails because the store is unavailable, the transaction
    /// rolls back and throws `DeferredPass` carrying the journal. A nested transaction
    /// inside a deferred one only runs its body.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        if depth > 0 {
            if failure != nil { return try nested(body) }
            return try base.transaction { try nested(body) }
        }
        journal.removeAll(keepingCapacity: true)
        failure = nil
        depth = 1
        defer {
            depth = 0
            failure = nil
            journal.removeAll(keepingCapacity: true)
        }
        do {
            return try base.transaction {
                let result = try body()
                if let failure { throw failure }
                return result
            }
        } catch let error as RungError where error.kind == .unavailable {
            throw DeferredPass(failure: failure ?? error, journal: journal)
        }
    }

    private func nested<T>(_ body: () throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        return try body()
    }

    /// Journals a write and runs it, unless this transaction is already deferred. A
    /// failure because the store is unavailable defers the rest of the transaction; any
    /// other failure is thrown as it is.
    private func write(_ change: @escaping (any Store) throws -> Void) throws {
        guard depth > 0 else { return try change(base) }
        journal.append(change)
        guard failure == nil else { return }
        do {
            try change(base)
        } catch let error as RungError where error.kind == .unavailable {
            failure = error
        }
    }

    /// A write whose result the caller needs (a number the store assigns): run at once, and
    /// journalled with that result; in a deferred transaction it throws the store's failure.
    private func create<T>(_ make: () throws -> T, replay: @escaping (T) -> (any Store) throws -> Void) throws -> T {
        if let failure, depth > 0 { throw failure }
        do {
            let created = try make()
            if depth > 0 { journal.append(replay(created)) }
            return created
        } catch let error as RungError where error.kind == .unavailable && depth > 0 {
            failure = error
            throw error
        }
    }

    /// Commits a journal that an earlier transaction could not, in one transaction of the
    /// wrapped store.
    func replay(_ pass: DeferredPass) throws {
        try base.transaction {
            for change in pass.journal { try change(base) }
        }
    }

    func createSweep(_ sweep: SweepRecord) throws -> SweepRecord {
        let created = try create({ try base.createSweep(sweep) }, replay: { created in { _ = try $0.createSweep(created) } })
        monitor.sweepSaved(created)
        return created
    }
    func sweep(id: Int64) throws -> SweepRecord? { try base.sweep(id: id) }
    func sweeps(statuses: Set<SweepRecord.Status>?) throws -> [SweepRecord] { try base.sweeps(statuses: statuses) }
    func updateSweep(_ sweep: SweepRecord) throws {
        try write { try $0.updateSweep(sweep) }
        monitor.sweepSaved(sweep)
    }

    func createStudy(_ study: StudyRecord) throws { try write { try $0.createStudy(study) } }
    func study(sweepID: Int64, family: String) throws -> StudyRecord? { try base.study(sweepID: sweepID, family: family) }
    func studies(sweepID: Int64) throws -> [StudyRecord] { try base.studies(sweepID: sweepID) }
    func updateStudy(_ study: StudyRecord) throws { try write { try $0.updateStudy(study) } }

    func createTrial(_ trial: TrialRecord) throws -> TrialRecord {
        // The book allocates trial ids, so the record is known before the store sees it.
        guard trial.id > 0 else {
            let created = try create({ try base.createTrial(trial) }, replay: { created in { _ = try $0.createTrial(created) } })
            monitor.trialSaved(created)
            return created
        }
        try write { _ = try $0.createTrial(trial) }
        monitor.trialSaved(trial)
        return trial
    }
    func largestTrialID() throws -> Int64 { try base.largestTrialID() }
    func trial(id: Int64) throws -> TrialRecord? { try base.trial(id: id) }
    func trials(matching query: TrialQuery) throws -> [TrialRecord] { try base.trials(matching: query) }
    func updateTrial(_ trial: TrialRecord) throws {
        try write { try $0.updateTrial(trial) }
        monitor.trialSaved(trial)
    }

    @discardableResult
    func recordEpochs(_ epochs: [EpochRecord]) throws -> Int {
        try write { _ = try $0.recordEpochs(epochs) }
        monitor.epochsRecorded(epochs)
        return epochs.count
    }
    func epochs(trialID: Int64) throws -> [EpochRecord] { try base.epochs(trialID: trialID) }
    func epochs(sweepID: Int64, family: String?) throws -> [EpochRecord] { try base.epochs(sweepID: sweepID, family: family) }

    func createWorker(_ worker: WorkerRecord) throws { try write { try $0.createWorker(worker) } }
    func worker(name: String) throws -> WorkerRecord? { try base.worker(name: name) }
    func workers(statuses: Set<WorkerRecord.Status>?) throws -> [WorkerRecord] { try base.workers(statuses: statuses) }
    func updateWorker(_ worker: WorkerRecord) throws { try write { try $0.updateWorker(worker) } }
    func saveWorker(_ worker: WorkerRecord) throws { try write { try $0.saveWorker(worker) } }

    func createModelVersion(_ version: ModelVersion) throws -> ModelVersion {
        // The registry numbers versions itself and checks that the store agrees; a
        // deferred registration keeps its number and is written when the store is back.
        guard depth > 0 else { return try base.createModelVersion(version) }
        let replay: (any Store) throws -> Void = { _ = try $0.createModelVersion(version) }
        if failure == nil {
            do {
                let created = try base.createModelVersion(version)
                journal.append(replay)
                return created
            } catch let error as RungError where error.kind == .unavailable {
                failure = error
            }
        }
        journal.append(replay)
        return version
    }
    func modelVersion(family: String, version: Int) throws -> ModelVersion? { try base.modelVersion(family: family, version: version) }
    func modelVersions(family: String?) throws -> [ModelVersion] { try base.modelVersions(family: family) }
    func updateModelVersion(_ version: ModelVersion) throws { try write { try $0.updateModelVersion(version) } }
    func saveDriftResult(_ result: DriftResultRecord) throws { try write { try $0.saveDriftResult(result) } }
    func driftResults(sweepID: Int64?) throws -> [DriftResultRecord] { try base.driftResults(sweepID: sweepID) }
}

/// A loop pass whose writes the store could not commit because it is unavailable (disk
/// full, PostgreSQL away): the failure, and the pass's writes to commit when it is back.
/// Thrown and caught on the head's loop thread only, and never sent elsewhere, so the
/// closures it holds (which capture the pass's record values) cross no thread.
struct DeferredPass: Error, @unchecked Sendable {
    /// What the store said.
    let failure: RungError
    /// The pass's writes, in order.
    let journal: [(any Store) throws -> Void]
}

/// The MLflow export's marks are written by the head inside its loop pass (the export
/// thread only hands them over), so they are journalled like every other write of the pass:
/// a pass the store could not commit keeps them, and `replay` writes them with the rest.
extension MonitoredStore: TrackingMarkStore {
    func trackingMarks(sweepID: Int64?) throws -> [TrackingMark] {
        guard let marks = base as? any TrackingMarkStore else { return [] }
        return try marks.trackingMarks(sweepID: sweepID)
    }

    func saveTrackingMarks(_ marks: [TrackingMark]) throws {
        guard base is any TrackingMarkStore else { return }
        try write { store in try (store as? any TrackingMarkStore)?.saveTrackingMarks(marks) }
    }
}
