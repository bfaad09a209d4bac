/// `scheduler:` — which trials run how long.
public struct SchedulerSettings: Sendable, Equatable {
    /// The schedulers rung offers.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Every trial runs to `max_epochs`.
        case fifo
        /// Asynchronous successive halving.
        case asha
        /// Asynchronous Hyperband: ASHA brackets with different grace periods.
        case hyperband
    }

    /// How ASHA treats a trial at a milestone.
    public enum ASHAMode: String, Sendable, Equatable, CaseIterable {
        /// Ray Tune's semantics: continue if above the rung's cutoff, else stop.
        case stop
        /// The paper's: pause at the milestone; free slots promote the best paused trials.
        case promote
    }

    /// `type:` (default `fifo`).
    public var type: Kind = .fifo
    /// `max_epochs:` — the most epochs any trial trains.
    public var maxEpochs: Int = 10
    /// `grace_period:` — epochs before the first milestone (default 1).
    public var gracePeriod: Int = 1
    /// `reduction_factor:` — η, the fraction 1/η of trials that go on at each milestone (default 3).
    public var reductionFactor: Double = 3
    /// `mode:` for ASHA (default `stop`).
    public var ashaMode: ASHAMode = .stop
    /// `brackets:` for Hyperband (nil: all brackets the milestones allow).
    public var brackets: Int? = nil

    /// Creates scheduler settings.
    public init(type: Kind = .fifo, maxEpochs: Int = 10, gracePeriod: Int = 1, reductionFactor: Double = 3,
                ashaMode: ASHAMode = .stop, brackets: Int? = nil) {
        self.type = type
        self.maxEpochs = maxEpochs
        self.gracePeriod = gracePeriod
        self.reductionFactor = reductionFactor
        self.ashaMode = ashaMode
        self.brackets = brackets
    }

    /// Creates the scheduler these settings describe, for a metric optimised in `mode`.
    public func makeScheduler(mode: OptimizationMode) -> any TrialScheduler {
        switch type {
        case .fifo:
            return FIFOScheduler(maxEpochs: maxEpochs)
        case .asha:
            switch ashaMode {
            case .stop:
                return ASHAStoppingScheduler(mode: mode, maxEpochs: maxEpochs, gracePeriod: gracePeriod,
                                             reductionFactor: reductionFactor)
            case .promote:
                return ASHAPromotionScheduler(mode: mode, maxEpochs: maxEpochs, gracePeriod: gracePeriod,
                                              reductionFactor: reductionFactor)
            }
        case .hyperband:
            return HyperbandScheduler(mode: mode, maxEpochs: maxEpochs, gracePeriod: gracePeriod,
                                      reductionFactor: reductionFactor, brackets: brackets)
        }
    }
}
