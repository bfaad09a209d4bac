/// What a worker did between `run()` and its return.
public struct WorkerSummary: Sendable, Equatable {
    /// Trials that trained to max_epochs and sent `done` with a model.
    public var finished = 0
    /// Trials paused at a milestone (sent `done` with a checkpoint).
    public var paused = 0
    /// Trials stopped at a milestone by the head.
    public var stopped = 0
    /// Trials cancelled by the head or by a second stop request.
    public var cancelled = 0
    /// Trials that sent `failed`.
    public var failed = 0
    /// Frames from the head that did not decode (dropped).
    public var garbledFrames = 0
    /// Well-formed messages a head should not send to a worker (dropped).
    public var unexpectedMessages = 0
    /// Trial messages dropped because the head was away too long and the buffer filled.
    public var droppedReports = 0
    /// How often the head was declared lost.
    public var headLost = 0

    /// How often an idle slot's cores were lent to a running trial (see `WorkerLoop`).
    public var coresLent = 0

    /// An empty summary.
    public init() {}
}
