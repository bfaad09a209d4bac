/// How a head listens, when it declares workers lost, and where artifacts go.
public struct HeadOptions: Sendable {
    /// The ROUTER endpoint workers and CLI clients connect to.
    public var listen: String = "tcp://127.0.0.1:7770"
    /// How often the head and workers send heartbeats.
    public var heartbeatMillis: UInt32 = 1000
    /// Silence after which a worker is declared lost and its trials requeued.
    public var lostAfterMillis: UInt32 = 5000
    /// How many times a trial is restarted after a lost worker or a failure before it fails.
    public var retryLimit: Int = 2
    /// The artifacts location (a path, `file://` or `s3://` URI) for prepared data, trial models and the registry.
    public var artifacts: String = ".rung/artifacts"

    public init(listen: String = "tcp://127.0.0.1:7770", heartbeatMillis: UInt32 = 1000, lostAfterMillis: UInt32 = 5000,
                retryLimit: Int = 2, artifacts: String = ".rung/artifacts") {
        self.listen = listen
        self.heartbeatMillis = heartbeatMillis
        self.lostAfterMillis = lostAfterMillis
        self.retryLimit = retryLimit
        self.artifacts = artifacts
    }
}
