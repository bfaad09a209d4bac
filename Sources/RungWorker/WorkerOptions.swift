import Foundation
import RungCore
import RungWire

/// How a worker connects to the head and how much work it takes on.
public struct WorkerOptions: Sendable {
    /// The head's ROUTER endpoint used when none is given and `RUNG_HEAD` is unset.
    public static let defaultHeadEndpoint = "tcp://127.0.0.1:7770"
    /// The families every worker can run: the built-in ones plus `command`.
    public static let families = ["xgboost", "random_forest", "logistic_regression", "command"]

    /// The head's endpoint, e.g. `tcp://10.0.0.5:7770`.
    public var headEndpoint: String
    /// The worker's name: its routing id, unique in the cluster (default `HOST-PID`).
    public var name: String
    /// The host name sent in `hello`.
    public var host: String
    /// How many trials run at once (one thread each).
    public var slots: Int
    /// Where fetched data and per-trial scratch files live (default `~/.cache/rung/worker`).
    public var cacheDirectory: URL
    /// XGBoost threads per trial.
    public var threadsPerTrial: Int
    /// How often `hello` is re-sent until the head answers, in milliseconds (2 s in the protocol).
    public var helloIntervalMillis: Int
    /// How many messages for the head are kept while it is away; the oldest plain epoch
    /// reports are dropped first when the buffer is full.
    public var outboxLimit: Int
    /// Seconds a stopped `command` trial gets between SIGTERM and SIGKILL.
    public var commandStopGraceSeconds: Double
    /// CURVE keys (`--keys DIR`): this worker's key pair and the head's public key; nil
    /// connects in plain text.
    public var keys: CurveClientKeys?
    /// Seconds a connection may stay unauthenticated before the worker says it cannot
    /// authenticate (a wrong key shows up as silence).
    public var authenticationTimeoutSeconds: Double

    /// Options with the documented defaults; only the head's endpoint is required.
    /// Where the worker's Prometheus series are recorded (`--metrics`), or nil.
    public var metrics: WorkerMetrics? = nil
    public init(headEndpoint: String = WorkerOptions.defaultHeadEndpoint, name: String? = nil, slots: Int? = nil,
                cacheDirectory: URL? = nil, threadsPerTrial: Int = 1, keys: CurveClientKeys? = nil) {
        let host = ProcessInfo.processInfo.hostName
        self.headEndpoint = headEndpoint
        self.host = host
        self.name = name ?? "\(host)-\(getpid())"
        self.slots = slots ?? ProcessInfo.processInfo.activeProcessorCount
        self.cacheDirectory = cacheDirectory ?? WorkerOptions.defaultCacheDirectory
        self.threadsPerTrial = threadsPerTrial
        self.helloIntervalMillis = 2000
        self.outboxLimit = 10_000
        self.commandStopGraceSeconds = 5
        self.keys = keys
        self.authenticationTimeoutSeconds = 10
    }

    /// `~/.cache/rung/worker`.
    public static var defaultCacheDirectory: URL {
        FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/rung/worker", isDirectory: true)
    }

    /// Throws `RungError.usage` naming the first option that cannot work.
    public func validate() throws {
        guard !headEndpoint.isEmpty, headEndpoint.contains("://") else {
            throw RungError.usage("the head endpoint '\(headEndpoint)' is not a ZeroMQ endpoint like tcp://127.0.0.1:7770")
        }
        guard !name.isEmpty, name.utf8.count <= 255 else {
            throw RungError.usage("the worker name must be 1 to 255 bytes long, not '\(name)'")
        }
        guard slots >= 1, slots <= 1024 else {
            throw RungError.usage("--slots must be between 1 and 1024, not \(slots)")
        }
        guard threadsPerTrial >= 1 else {
            throw RungError.usage("--threads-per-trial must be at least 1, not \(threadsPerTrial)")
        }
        guard authenticationTimeoutSeconds > 0 else {
            throw RungError.usage("the authentication timeout must be positive, not \(authenticationTimeoutSeconds)")
        }
        guard helloIntervalMillis >= 1, outboxLimit >= 1 else {
            throw RungError.usage("the hello interval and the outbox limit must be positive")
        }
    }
}
