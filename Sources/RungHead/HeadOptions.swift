import RungWire

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
    /// CURVE keys: when set, the ROUTER is a CURVE server and only the public keys in
    /// `keys.authorizedDirectory` (and the head's own) get in; nil listens in plain text.
    public var keys: CurveServerKeys?
    /// The most slots a worker may claim in its hello (a larger claim is refused).
    public var maxWorkerSlots: Int = Self.defaultMaxWorkerSlots
    /// The default of `maxWorkerSlots`.
    public static let defaultMaxWorkerSlots = 256
    /// A fault to inject on purpose (tests only; nil in normal use).
    public var failpoint: HeadFailpoint?

    /// Options with the documented defaults.
    public init(listen: String = "tcp://127.0.0.1:7770", heartbeatMillis: UInt32 = 1000, lostAfterMillis: UInt32 = 5000,
                retryLimit: Int = 2, artifacts: String = ".rung/artifacts", keys: CurveServerKeys? = nil) {
        self.keys = keys
        self.listen = listen
        self.heartbeatMillis = heartbeatMillis
        self.lostAfterMillis = lostAfterMillis
        self.retryLimit = retryLimit
        self.artifacts = artifacts
    }
}
