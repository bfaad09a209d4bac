import Foundation
import RungCore

/// N `rung worker` processes on this machine, connected to the embedded head.
public final class LocalWorkerPool {
    private var processes: [Process] = []

    /// Starts `count` workers of this executable against `endpoint`, each logging to its own file in `logDirectory`.
    public init(count: Int, head endpoint: String, logDirectory: URL, sweepID: Int64) throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        for i in 0..<count {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = ["worker", "--head", endpoint, "--slots", "1", "--name", "local-\(getpid())-\(i + 1)"]
            let logFile = logDirectory.appendingPathComponent("sweep-\(sweepID)-worker-\(i + 1).log")
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            p.standardError = try FileHandle(forWritingTo: logFile)
            p.standardOutput = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            do { try p.run() } catch {
                throw RungError.internalFailure("cannot start a local worker (\(executable) worker): \(error.localizedDescription)")
            }
            processes.append(p)
        }
    }

    /// Whether every worker process has exited.
    public var allExited: Bool { processes.allSatisfy { !$0.isRunning } }

    /// Stops any worker still running (SIGTERM, then SIGKILL after 5 s).
    public func terminate() {
        for p in processes where p.isRunning { p.terminate() }
        let deadline = Date().addingTimeInterval(5)
        while !allExited && Date() < deadline { usleep(50_000) }
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) }
    }
}
