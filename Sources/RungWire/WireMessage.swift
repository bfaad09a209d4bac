/// One named metric value carried in a report or a done message.
public struct WireMetric: Equatable, Sendable {
    public var name: String
    public var value: Double
    public init(_ name: String, _ value: Double) { self.name = name; self.value = value }
}

/// A worker's first message: who it is, what it can run, and the trials it is still
/// running (so a restarted head can re-attach them).
public struct WorkerHello: Equatable, Sendable {
    public var name: String
    public var host: String
    public var slots: UInt32
    public var families: [String]
    public var running: [UInt64]
    public init(name: String, host: String, slots: UInt32, families: [String], running: [UInt64] = []) {
        self.name = name; self.host = host; self.slots = slots; self.families = families; self.running = running
    }
}

/// The head's answer to a hello: the heartbeat contract for this worker, and where
/// trial artifacts (final models, checkpoints) go.
public struct Welcome: Equatable, Sendable {
    public var heartbeatMillis: UInt32
    public var lostAfterMillis: UInt32
    /// The artifacts location (a path, `file://` or `s3://` URI) workers upload to.
    public var artifactsURI: String
    public init(heartbeatMillis: UInt32, lostAfterMillis: UInt32, artifactsURI: String) {
        self.heartbeatMillis = heartbeatMillis; self.lostAfterMillis = lostAfterMillis; self.artifactsURI = artifactsURI
    }
}

/// A liveness beat; from a worker it also lists the trials it is running.
public struct Heartbeat: Equatable, Sendable {
    public var running: [UInt64]
    public init(running: [UInt64] = []) { self.running = running }
}

/// The head's order to run (or resume) one trial.
public struct Assignment: Equatable, Sendable {
    public var trialID: UInt64
    public var sweepID: UInt64
    public var family: String
    /// For the `command` family: the program and its arguments; empty for built-in families.
    public var command: [String]
    /// The trial's parameters as a JSON object (epoch settings such as `rounds` included).
    public var paramsJSON: String
    public var seed: UInt64
    /// 0 for a new trial; the epoch already trained when resuming from a checkpoint.
    public var startEpoch: UInt32
    public var maxEpochs: UInt32
    /// Epochs after which the worker waits for a decision (ASHA milestones).
    public var milestones: [UInt32]
    /// Where the prepared splits live, and their content version (the cache key).
    public var dataURI: String
    public var dataVersion: String
    /// A checkpoint to resume from; empty for a fresh start.
    public var checkpointURI: String

    public init(trialID: UInt64, sweepID: UInt64, family: String, command: [String] = [], paramsJSON: String, seed: UInt64,
                startEpoch: UInt32, maxEpochs: UInt32, milestones: [UInt32], dataURI: String,
                dataVersion: String, checkpointURI: String = "") {
        self.trialID = trialID; self.sweepID = sweepID; self.family = family; self.command = command; self.paramsJSON = paramsJSON
        self.seed = seed; self.startEpoch = startEpoch; self.maxEpochs = maxEpochs; self.milestones = milestones
        self.dataURI = dataURI; self.dataVersion = dataVersion; self.checkpointURI = checkpointURI
    }
}

/// One finished epoch of a trial, streamed without waiting for an answer unless the
/// epoch is a milestone.
public struct EpochReport: Equatable, Sendable {
    public var trialID: UInt64
    public var epoch: UInt32
    public var seconds: Double
    public var metrics: [WireMetric]
    public var atMilestone: Bool
    /// The worker's delivery sequence number (docs/protocol.md, "Delivery"); 0 until the
    /// worker's ledger stamps it.
    public var seq: UInt64
    public init(trialID: UInt64, epoch: UInt32, seconds: Double, metrics: [WireMetric], atMilestone: Bool, seq: UInt64 = 0) {
        self.trialID = trialID; self.epoch = epoch; self.seconds = seconds; self.metrics = metrics; self.atMilestone = atMilestone
        self.seq = seq
    }
}

/// What the head decided for a trial waiting at a milestone.
public enum Verdict: UInt8, Sendable {
    case `continue` = 0
    case stop = 1
    case pause = 2
}

/// The head's answer to a milestone report.
public struct Decision: Equatable, Sendable {
    public var trialID: UInt64
    public var epoch: UInt32
    public var verdict: Verdict
    public init(trialID: UInt64, epoch: UInt32, verdict: Verdict) {
        self.trialID = trialID; self.epoch = epoch; self.verdict = verdict
    }
}

/// A trial that trained to its last epoch (or was paused), with its final metrics.
public struct TrialDone: Equatable, Sendable {
    public var trialID: UInt64
    public var epoch: UInt32
    public var metrics: [WireMetric]
    public var checkpointURI: String
    /// The worker's delivery sequence number (docs/protocol.md, "Delivery").
    public var seq: UInt64
    public init(trialID: UInt64, epoch: UInt32, metrics: [WireMetric], checkpointURI: String = "", seq: UInt64 = 0) {
        self.trialID = trialID; self.epoch = epoch; self.metrics = metrics; self.checkpointURI = checkpointURI
        self.seq = seq
    }
}

/// A trial that could not run, with the reason a user will read.
public struct TrialFailed: Equatable, Sendable {
    public var trialID: UInt64
    public var reason: String
    /// The worker's delivery sequence number (docs/protocol.md, "Delivery").
    public var seq: UInt64
    public init(trialID: UInt64, reason: String, seq: UInt64 = 0) { self.trialID = trialID; self.reason = reason; self.seq = seq }
}

/// The head's word that a worker's trial messages up to `seq` are committed to its store
/// (or were dealt with and will never be needed again): the worker forgets them.
public struct DeliveryAck: Equatable, Hashable, Sendable {
    public var trialID: UInt64
    /// Every message of the trial with a sequence number up to this one is acknowledged.
    public var seq: UInt64
    public init(trialID: UInt64, seq: UInt64) { self.trialID = trialID; self.seq = seq }
}

/// Every message of the rung wire protocol (docs/protocol.md).
public enum WireMessage: Equatable, Sendable {
    case hello(WorkerHello)
    case welcome(Welcome)
    case heartbeat(Heartbeat)
    case assign(Assignment)
    case epochReport(EpochReport)
    case decision(Decision)
    case done(TrialDone)
    case failed(TrialFailed)
    case cancel(trialID: UInt64)
    case drain
    /// A worker tells the head it has begun to drain (stopped by a signal, or asked to): it
    /// finishes its running trials and takes no new ones, so the head assigns it nothing more.
    case draining
    /// The head acknowledges committed trial messages (cumulative per trial).
    case ack([DeliveryAck])
    /// A CLI client's request, as a JSON object (low rate; read by the head's control handler).
    case control(json: String)
    /// The head's answer to a control request, as a JSON object.
    case controlReply(json: String)
}
