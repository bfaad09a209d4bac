import Foundation

/// The reply of `top`: the snapshot `rung top` draws (docs/top.md lists the fields). Values
/// that are unknown are sent as JSON null, not left out; non-finite numbers are null too.
public struct TopSnapshot: ControlReply, Equatable {
    /// A sweep's progress.
    public struct Sweep: Codable, Sendable, Equatable {
        /// The sweep's id.
        public var id: Int64
        /// The sweep's name.
        public var name: String
        /// The sweep's status.
        public var status: String
        /// The sweep's message ("" when none).
        public var message: String
        /// The metric's name.
        public var metric: String
        /// `min` or `max`.
        public var mode: String
        /// Seconds since the sweep was created (until it ended).
        public var elapsedSeconds: Double
        /// Trial counts over all families (`budget`, `started`, `finished`, `running`, …).
        public var totals: [String: Int]
        /// The best value of all families so far.
        public var best: Double?
        /// The family holding `best`.
        public var bestFamily: String?
        /// The trial holding `best`.
        public var bestTrial: Int64?
        /// The families in config order.
        public var families: [Family]

        enum CodingKeys: String, CodingKey {
            case id, name, status, message, metric, mode, totals, best, families
            case elapsedSeconds = "elapsed_seconds", bestFamily = "best_family", bestTrial = "best_trial"
        }

        /// A sweep entry; non-finite numbers become nil.
        public init(id: Int64, name: String, status: String, message: String, metric: String, mode: String,
                    elapsedSeconds: Double, totals: [String: Int], best: Double?, bestFamily: String?, bestTrial: Int64?,
                    families: [Family]) {
            self.id = id
            self.name = name
            self.status = status
            self.message = message
            self.metric = metric
            self.mode = mode
            self.elapsedSeconds = elapsedSeconds.isFinite ? elapsedSeconds : 0
            self.totals = totals
            self.best = TopSnapshot.finite(best)
            self.bestFamily = bestFamily
            self.bestTrial = bestTrial
            self.families = families
        }

        /// Reads a sweep entry (`message` and `totals` may be missing in older heads' replies).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            name = try c.decode(String.self, forKey: .name)
            status = try c.decode(String.self, forKey: .status)
            message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
            metric = try c.decode(String.self, forKey: .metric)
            mode = try c.decode(String.self, forKey: .mode)
            elapsedSeconds = try c.decode(Double.self, forKey: .elapsedSeconds)
            totals = try c.decodeIfPresent([String: Int].self, forKey: .totals) ?? [:]
            best = try c.decodeIfPresent(Double.self, forKey: .best)
            bestFamily = try c.decodeIfPresent(String.self, forKey: .bestFamily)
            bestTrial = try c.decodeIfPresent(Int64.self, forKey: .bestTrial)
            families = try c.decode([Family].self, forKey: .families)
        }

        /// Writes the entry, unknown values as null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(status, forKey: .status)
            try c.encode(message, forKey: .message)
            try c.encode(metric, forKey: .metric)
            try c.encode(mode, forKey: .mode)
            try c.encode(elapsedSeconds, forKey: .elapsedSeconds)
            try c.encode(totals, forKey: .totals)
            try c.encode(best, forKey: .best)
            try c.encode(bestFamily, forKey: .bestFamily)
            try c.encode(bestTrial, forKey: .bestTrial)
            try c.encode(families, forKey: .families)
        }
    }

    /// One family of a sweep: trial counts, the best so far and its history.
    public struct Family: Codable, Sendable, Equatable {
        /// The family's name.
        public var name: String
        /// Its trial budget.
        public var budget: Int
        /// Trials started.
        public var started: Int
        /// Trials finished.
        public var finished: Int
        /// Trials training now.
        public var running: Int
        /// Trials waiting, including those not started yet.
        public var pending: Int
        /// Trials paused at a rung.
        public var paused: Int
        /// Trials stopped early by the scheduler.
        public var stopped: Int
        /// Trials that failed.
        public var failed: Int
        /// Trials cancelled.
        public var cancelled: Int
        /// The most epochs a trial trains.
        public var maxEpochs: Int
        /// The best value so far.
        public var best: Double?
        /// The trial holding `best`.
        public var bestTrial: Int64?
        /// The best value so far over the sweep's time, oldest first (nil: none yet).
        public var history: [Double?]

        enum CodingKeys: String, CodingKey {
            case name, budget, started, finished, running, pending, paused, stopped, failed, cancelled, best, history
            case maxEpochs = "max_epochs", bestTrial = "best_trial"
        }

        /// A family entry; non-finite numbers become nil.
        public init(name: String, budget: Int, started: Int, finished: Int, running: Int, pending: Int, paused: Int,
                    stopped: Int, failed: Int, cancelled: Int, maxEpochs: Int, best: Double?, bestTrial: Int64?,
                    history: [Double?]) {
            self.name = name
            self.budget = budget
            self.started = started
            self.finished = finished
            self.running = running
            self.pending = pending
            self.paused = paused
            self.stopped = stopped
            self.failed = failed
            self.cancelled = cancelled
            self.maxEpochs = maxEpochs
            self.best = TopSnapshot.finite(best)
            self.bestTrial = bestTrial
            self.history = history.map(TopSnapshot.finite)
        }

        /// Writes the entry, unknown values as null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(budget, forKey: .budget)
            try c.encode(started, forKey: .started)
            try c.encode(finished, forKey: .finished)
            try c.encode(running, forKey: .running)
            try c.encode(pending, forKey: .pending)
            try c.encode(paused, forKey: .paused)
            try c.encode(stopped, forKey: .stopped)
            try c.encode(failed, forKey: .failed)
            try c.encode(cancelled, forKey: .cancelled)
            try c.encode(maxEpochs, forKey: .maxEpochs)
            try c.encode(best, forKey: .best)
            try c.encode(bestTrial, forKey: .bestTrial)
            try c.encode(history, forKey: .history)
        }
    }

    /// One row of the trial table.
    public struct Trial: Codable, Sendable, Equatable {
        /// The trial's id.
        public var id: Int64
        /// Its number within the family.
        public var number: Int
        /// Its family.
        public var family: String
        /// Its status.
        public var status: String
        /// The last epoch it reported.
        public var epoch: Int
        /// The most epochs it may train.
        public var maxEpochs: Int
        /// The scheduler rungs it has passed (nil when the head does not run its sweep).
        public var rung: Int?
        /// Its last metric value.
        public var metric: Double?
        /// The first three searched parameters as [name, value] pairs.
        public var params: [[String]]
        /// The worker training it.
        public var worker: String?
        /// Seconds it has trained.
        public var seconds: Double?

        enum CodingKeys: String, CodingKey {
            case id, number, family, status, epoch, rung, metric, params, worker, seconds
            case maxEpochs = "max_epochs"
        }

        /// A trial row; non-finite numbers become nil.
        public init(id: Int64, number: Int, family: String, status: String, epoch: Int, maxEpochs: Int, rung: Int?,
                    metric: Double?, params: [[String]], worker: String?, seconds: Double?) {
            self.id = id
            self.number = number
            self.family = family
            self.status = status
            self.epoch = epoch
            self.maxEpochs = maxEpochs
            self.rung = rung
            self.metric = TopSnapshot.finite(metric)
            self.params = params
            self.worker = worker
            self.seconds = TopSnapshot.finite(seconds)
        }

        /// Writes the row, unknown values as null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(number, forKey: .number)
            try c.encode(family, forKey: .family)
            try c.encode(status, forKey: .status)
            try c.encode(epoch, forKey: .epoch)
            try c.encode(maxEpochs, forKey: .maxEpochs)
            try c.encode(rung, forKey: .rung)
            try c.encode(metric, forKey: .metric)
            try c.encode(params, forKey: .params)
            try c.encode(worker, forKey: .worker)
            try c.encode(seconds, forKey: .seconds)
        }
    }

    /// A connected worker.
    public struct Worker: Codable, Sendable, Equatable {
        /// The worker's name.
        public var name: String
        /// The host it runs on.
        public var host: String
        /// Trials it trains at once.
        public var slots: Int
        /// Trials it trains now.
        public var busy: Int
        /// Whether it is draining.
        public var draining: Bool
        /// The trials it trains, by id.
        public var trials: [Int64]
        /// Milliseconds since the head last heard from it.
        public var lastHeardMs: Int
        /// The share of its slots busy over the last minute (nil: unknown).
        public var utilisation: Double?

        enum CodingKeys: String, CodingKey {
            case name, host, slots, busy, draining, trials, utilisation
            case lastHeardMs = "last_heard_ms"
        }

        /// A worker entry; a non-finite utilisation becomes nil.
        public init(name: String, host: String, slots: Int, busy: Int, draining: Bool, trials: [Int64], lastHeardMs: Int,
                    utilisation: Double?) {
            self.name = name
            self.host = host
            self.slots = slots
            self.busy = busy
            self.draining = draining
            self.trials = trials
            self.lastHeardMs = lastHeardMs
            self.utilisation = TopSnapshot.finite(utilisation)
        }

        /// Writes the entry, unknown values as null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(host, forKey: .host)
            try c.encode(slots, forKey: .slots)
            try c.encode(busy, forKey: .busy)
            try c.encode(draining, forKey: .draining)
            try c.encode(trials, forKey: .trials)
            try c.encode(lastHeardMs, forKey: .lastHeardMs)
            try c.encode(utilisation, forKey: .utilisation)
        }
    }

    /// Always true in a success reply.
    public var ok: Bool
    /// The head's clock (seconds since 1970) when it made the snapshot.
    public var now: Double
    /// The endpoint the head listens on.
    public var endpoint: String
    /// The running sweeps, then up to three recently ended ones.
    public var sweeps: [Sweep]
    /// The connected workers.
    public var workers: [Worker]
    /// The sweep whose trials the snapshot carries (nil: no sweep to show).
    public var sweep: Int64?
    /// The family filter (nil: all families).
    public var family: String?
    /// The trial order.
    public var sort: String?
    /// The selected sweep's trials in `sort` order, cut to the request's limit.
    public var trials: [Trial]
    /// How many trials match before the cut.
    public var trialsTotal: Int
    /// Why the head's store cannot commit, while it waits for it (nil: it can).
    public var storeProblem: String?

    enum CodingKeys: String, CodingKey {
        case ok, now, endpoint, sweeps, workers, sweep, family, sort, trials
        case trialsTotal = "trials_total", storeProblem = "store_problem"
    }

    /// A snapshot.
    public init(ok: Bool = true, now: Double, endpoint: String, sweeps: [Sweep], workers: [Worker], sweep: Int64?,
                family: String?, sort: String?, trials: [Trial], trialsTotal: Int, storeProblem: String? = nil) {
        self.storeProblem = storeProblem
        self.ok = ok
        self.now = now
        self.endpoint = endpoint
        self.sweeps = sweeps
        self.workers = workers
        self.sweep = sweep
        self.family = family
        self.sort = sort
        self.trials = trials
        self.trialsTotal = trialsTotal
    }

    /// Writes the snapshot, an absent sweep or family as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(now, forKey: .now)
        try c.encode(endpoint, forKey: .endpoint)
        try c.encode(sweeps, forKey: .sweeps)
        try c.encode(workers, forKey: .workers)
        try c.encode(sweep, forKey: .sweep)
        try c.encode(family, forKey: .family)
        try c.encodeIfPresent(sort, forKey: .sort)
        try c.encode(trials, forKey: .trials)
        try c.encode(trialsTotal, forKey: .trialsTotal)
        try c.encode(storeProblem, forKey: .storeProblem)
    }

    /// The sweep whose trials the snapshot carries.
    public var selected: Sweep? { sweeps.first { $0.id == sweep } }

    /// `value` when it is a finite number, else nil (JSON has no NaN or infinity).
    static func finite(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return value
    }
}
