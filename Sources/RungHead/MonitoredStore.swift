import Foundation
import RungCore
import RungStore

/// The head's store with a `HeadMonitor` listening: every call goes to the wrapped store,
/// and the sweeps, trials and epoch results written through it are also shown to the
/// monitor (after the store accepted them), so `rung top` sees every state change the head
/// makes without a hook at each one.
final class MonitoredStore: Store {
    let base: any Store
    let monitor: HeadMonitor

    init(_ base: any Store, monitor: HeadMonitor) {
        self.base = base
        self.monitor = monitor
    }

    var location: String { base.location }
    var isReadOnly: Bool { base.isReadOnly }
    func transaction<T>(_ body: () throws -> T) throws -> T { try base.transaction(body) }
    func close() { base.close() }

    func createSweep(_ sweep: SweepRecord) throws -> SweepRecord {
        let created = try base.createSweep(sweep)
        monitor.sweepSaved(created)
        return created
    }
    func sweep(id: Int64) throws -> SweepRecord? { try base.sweep(id: id) }
    func sweeps(statuses: Set<SweepRecord.Status>?) throws -> [SweepRecord] { try base.sweeps(statuses: statuses) }
    func updateSweep(_ sweep: SweepRecord) throws {
        try base.updateSweep(sweep)
        monitor.sweepSaved(sweep)
    }

    func createStudy(_ study: StudyRecord) throws { try base.createStudy(study) }
    func study(sweepID: Int64, family: String) throws -> StudyRecord? { try base.study(sweepID: sweepID, family: family) }
    func studies(sweepID: Int64) throws -> [StudyRecord] { try base.studies(sweepID: sweepID) }
    func updateStudy(_ study: StudyRecord) throws { try base.updateStudy(study) }

    func createTrial(_ trial: TrialRecord) throws -> TrialRecord {
        let created = try base.createTrial(trial)
        monitor.trialSaved(created)
        return created
    }
    func largestTrialID() throws -> Int64 { try base.largestTrialID() }
    func trial(id: Int64) throws -> TrialRecord? { try base.trial(id: id) }
    func trials(matching query: TrialQuery) throws -> [TrialRecord] { try base.trials(matching: query) }
    func updateTrial(_ trial: TrialRecord) throws {
        try base.updateTrial(trial)
        monitor.trialSaved(trial)
    }

    @discardableResult
    func recordEpochs(_ epochs: [EpochRecord]) throws -> Int {
        let added = try base.recordEpochs(epochs)
        monitor.epochsRecorded(epochs)
        return added
    }
    func epochs(trialID: Int64) throws -> [EpochRecord] { try base.epochs(trialID: trialID) }
    func epochs(sweepID: Int64, family: String?) throws -> [EpochRecord] { try base.epochs(sweepID: sweepID, family: family) }

    func createWorker(_ worker: WorkerRecord) throws { try base.createWorker(worker) }
    func worker(name: String) throws -> WorkerRecord? { try base.worker(name: name) }
    func workers(statuses: Set<WorkerRecord.Status>?) throws -> [WorkerRecord] { try base.workers(statuses: statuses) }
    func updateWorker(_ worker: WorkerRecord) throws { try base.updateWorker(worker) }
    func saveWorker(_ worker: WorkerRecord) throws { try base.saveWorker(worker) }

    func createModelVersion(_ version: ModelVersion) throws -> ModelVersion { try base.createModelVersion(version) }
    func modelVersion(family: String, version: Int) throws -> ModelVersion? { try base.modelVersion(family: family, version: version) }
    func modelVersions(family: String?) throws -> [ModelVersion] { try base.modelVersions(family: family) }
    func updateModelVersion(_ version: ModelVersion) throws { try base.updateModelVersion(version) }
}
