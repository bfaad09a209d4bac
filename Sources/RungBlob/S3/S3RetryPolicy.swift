import Foundation

/// How failed S3 requests are retried: only transient failures (network errors, timeouts,
/// HTTP 5xx, 429 and throttling codes) and at most `maxAttempts` tries within
/// `maxElapsed` seconds, sleeping a random time in [0, min(maxDelay, baseDelay·2ⁿ)]
/// before try n+1 ("full jitter" exponential backoff).
public struct S3RetryPolicy: Sendable, Equatable {
    /// Tries in all, the first one included.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry, in seconds.
    public var baseDelay: Double
    /// The largest backoff ceiling, in seconds.
    public var maxDelay: Double
    /// No retry starts after this many seconds since the first try.
    public var maxElapsed: Double

    /// Creates a policy. With the defaults a refused connection is given up on within about
    /// 3 s, a connection that times out (5 s each) within about 30 s.
    public init(maxAttempts: Int = 5, baseDelay: Double = 0.2, maxDelay: Double = 5, maxElapsed: Double = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxElapsed = maxElapsed
    }

    /// The sleep before retry number `retry` (1 for the first retry).
    func delay(beforeRetry retry: Int) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(retry - 1)))
        return ceiling > 0 ? Double.random(in: 0...ceiling) : 0
    }

    /// S3 error codes that mean "slow down" or "try again" whatever the status.
    static let transientCodes: Set<String> = [
        "SlowDown", "Throttling", "ThrottlingException", "RequestTimeout",
        "InternalError", "ServiceUnavailable", "RequestLimitExceeded", "TooManyRequestsException",
    ]

    /// Whether a response with `status` and error `code` is worth another try.
    static func isTransient(status: Int, code: String?) -> Bool {
        if status >= 500 || status == 429 { return true }
        if let code, transientCodes.contains(code) { return true }
        return false
    }
}
