import Foundation

/// How `rung serve` runs: where it listens, what it serves, its limits and its log.
public struct ServeOptions: Sendable {
    /// The address to bind (`127.0.0.1`, `0.0.0.0`, …).
    public var host: String
    /// The port; 0 asks the kernel for a free one (printed when listening).
    public var port: Int
    /// Bodies larger than this are refused with 413.
    public var maxBodyBytes: Int
    /// The most rows one request may carry (more is a 413).
    public var maxRows: Int
    /// The most contributions `?explain=K` may ask for.
    public var maxExplain: Int
    /// Rows with a probability above this get label 1 (as `rung predict --threshold`).
    public var threshold: Double
    /// Seconds between looks at the registry for a new version.
    public var pollInterval: Double
    /// The prediction log, or nil for none.
    public var logURL: URL?
    /// The size at which the prediction log is rotated.
    public var logMaxBytes: Int
    /// How many rotated log files are kept.
    public var logKeep: Int

    /// Creates options with the documented defaults (docs/serving.md).
    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, maxRows: Int = 10_000,
                maxExplain: Int = 50, threshold: Double = 0.5, pollInterval: Double = 5, logURL: URL? = nil,
                logMaxBytes: Int = 64 << 20, logKeep: Int = 5) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxRows = maxRows
        self.maxExplain = maxExplain
        self.threshold = threshold
        self.pollInterval = pollInterval
        self.logURL = logURL
        self.logMaxBytes = logMaxBytes
        self.logKeep = logKeep
    }
}
