import Foundation
import XCTest

extension RungProcess {
    /// Whether process `pid` has a handler installed for `signal` (the `SigCgt` mask of
    /// /proc/PID/status), i.e. it would handle the signal rather than die of it or ignore it.
    static func catches(_ signal: Int32, pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    /// A loopback endpoint on a port the kernel just handed out and nothing listens on, for
    /// a head a test starts (a random port may be taken by a parallel test run).
    static func freeEndpoint() throws -> String { "tcp://127.0.0.1:\(try TopCluster.freePort())" }

    /// The text of a log file a child process writes (empty until it exists).
    static func text(of file: URL) -> String {
        (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }
}
