/// What the scheduler says about a running trial after one of its results.
public enum SchedulerDecision: Sendable, Equatable {
    /// Keep training.
    case `continue`
    /// Stop now: the trial fell below its rung's cutoff (it is finished, not failed).
    case stop
    /// Promotion ASHA: wait at this milestone and free the slot; the trial may be promoted later.
    case pause
    /// The trial reached `max_epochs`: it is finished.
    case complete
}

/// What a free worker slot should do next.
public enum SlotDecision: Sendable, Equatable {
    /// Resume the paused trial (promotion ASHA) and train it to its next milestone.
    case promote(TrialID)
    /// Start a new trial (ask the searcher, then call `addTrial`).
    case startNew
    /// Nothing to do now (no trial budget left and nothing promotable).
    case idle
}
