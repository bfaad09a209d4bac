import Foundation

/// How long one phase of a data job took: wall-clock time and the CPU time of the
/// calling thread (which stays meaningful on a busy machine).
public struct PhaseTiming: Sendable, Equatable {
    /// The phase's name (e.g. `parse`).
    public var phase: String
    /// Elapsed wall-clock seconds.
    public var wallSeconds: Double
    /// CPU seconds used by the calling thread.
    public var cpuSeconds: Double

    /// Creates a timing.
    public init(phase: String, wallSeconds: Double, cpuSeconds: Double) {
        self.phase = phase
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
    }

    /// The CPU time the calling thread has used so far, in seconds.
    public static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
