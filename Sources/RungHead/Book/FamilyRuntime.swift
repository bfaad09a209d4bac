import RungCore

/// One family of one sweep while it runs: its tuner (searcher + scheduler, the same
/// `FamilyTuner` the simulator drives) and where its trials are. Trial numbers (0, 1, 2, …)
/// are the tuner's trial ids.
struct FamilyRuntime: Sendable {
    /// What a free slot should do for this family.
    enum Work: Equatable, Sendable {
        /// Start trial `number` (new, with freshly suggested parameters).
        case start(number: Int, params: [String: ParamValue])
        /// Run trial `number` again from scratch (lost worker, failure).
        case restart(number: Int)
        /// Resume paused trial `number` from its checkpoint (promotion ASHA).
        case promote(number: Int)
    }

    let config: FamilyConfig
    let index: Int
    var tuner: FamilyTuner
    /// Trial number → global trial id (from the store).
    var trialIDs: [Int: Int64] = [:]
    /// Trials to run again, oldest first.
    var restartQueue: [Int] = []
    /// Trials currently on a worker.
    var running: Set<Int> = []
    /// Paused trials and their checkpoints (promotion ASHA).
    var paused: [Int: String] = [:]
    /// Set when a free slot found nothing to do and nothing can change that without news.
    var exhausted = false

    init(config: FamilyConfig, index: Int, sweep: SweepConfig, warmStarts: [[String: ParamValue]] = []) {
        self.config = config
        self.index = index
        tuner = FamilyTuner(config: sweep, familyIndex: index, warmStarts: warmStarts)
    }

    var maxEpochs: Int { tuner.scheduler.maxEpochs }

    /// Whether every trial has ended and none can be started, resumed or promoted.
    var isDone: Bool {
        tuner.budgetSpent && running.isEmpty && restartQueue.isEmpty && (paused.isEmpty || exhausted)
    }

    /// Decides what a free slot runs next for this family, or nil. `allowRestarts` is false
    /// right after a head restart, while workers may still come back and re-attach the trials
    /// they run (so no trial runs twice).
    mutating func nextWork(allowRestarts: Bool = true) -> Work? {
        if allowRestarts && !restartQueue.isEmpty { return .restart(number: restartQueue.removeFirst()) }
        if exhausted { return nil }
        switch tuner.nextAssignment() {
        case .start(let number, let params)?:
            return .start(number: number, params: params)
        case .resume(let number, _, _)?:
            return .promote(number: number)
        case nil:
            exhausted = tuner.budgetSpent
            return nil
        }
    }
}
