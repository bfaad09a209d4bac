import Foundation
import RungCore

/// Runs a user's training program as a trial (the `command` family, docs/config-sweep.md).
///
/// The program gets the trial's parameters as JSON in `RUNG_PARAMS`, plus `RUNG_TRIAL_ID`,
/// `RUNG_DATA_DIR` and `RUNG_OUTPUT_DIR`, and prints one JSON object per finished epoch on
/// stdout, e.g. `{"epoch": 3, "val_auc": 0.71}`. Other stdout lines are the program's own
/// log and are passed to `onLog`. Stopping a trial sends SIGTERM, then SIGKILL after a
/// grace period. An instance is driven by one thread (a worker slot).
public final class CommandTrainer {
    /// One metric line the program printed.
    public struct EpochLine: Equatable, Sendable {
        public var epoch: Int
        public var metrics: [String: Double]
    }

    /// How the program ended.
    public enum Outcome: Equatable, Sendable {
        /// Exited with status 0.
        case finished
        /// Stopped by `stop()`.
        case stopped
        /// Exited non-zero or died from a signal; the text names the status and the last stderr line.
        case failed(String)
    }

    private let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let stopRequested = StopFlag()
    private let command: [String]
    private let stderrTail = TailBuffer(limit: 4096)

    /// Prepares to run `command` (argv; the first element is looked up on `PATH`) in `workingDirectory`.
    public init(command: [String], params: [String: JSONValue], trialID: UInt64, dataDirectory: URL,
                outputDirectory: URL, workingDirectory: URL? = nil,
                extraEnvironment: [String: String] = [:]) throws {
        guard let program = command.first, !program.isEmpty else {
            throw RungError.badInput("the command family needs a non-empty `command:` list")
        }
        self.command = command
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let paramsData = try? encoder.encode(params) else {
            // Only a non-finite number cannot be written.
            throw RungError.badInput("the parameters of trial \(trialID) cannot be written as JSON")
        }
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extraEnvironment { env[k] = v }
        env["RUNG_PARAMS"] = String(decoding: paramsData, as: UTF8.self)
        env["RUNG_TRIAL_ID"] = String(trialID)
        env["RUNG_DATA_DIR"] = dataDirectory.path
        env["RUNG_OUTPUT_DIR"] = outputDirectory.path
        process.environment = env
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
    }

    /// Starts the program, calls `onEpoch` for every metric line as it arrives, and returns
    /// when the program has exited. `onEpoch` may call `stop()`.
    public func run(onEpoch: (EpochLine) -> Void, onLog: (String) -> Void = { _ in }) throws -> Outcome {
        do {
            try process.run()
        } catch {
            throw RungError.badInput("cannot start command \(command.joined(separator: " ")): \(error.localizedDescription)")
        }
        let tail = stderrTail
        let errHandle = stderrPipe.fileHandleForReading
        let errDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while case let chunk = errHandle.availableData, !chunk.isEmpty { tail.append(chunk) }
            errDone.signal()
        }
        var reader = LineReader(handle: stdoutPipe.fileHandleForReading)
        while let line = reader.next() {
            if let epoch = CommandTrainer.parseMetricLine(line) {
                onEpoch(epoch)
            } else if !line.isEmpty {
                onLog(line)
            }
        }
        process.waitUntilExit()
        errDone.wait()
        if stopRequested.isSet { return .stopped }
        if process.terminationReason == .exit && process.terminationStatus == 0 { return .finished }
        let how = process.terminationReason == .exit
            ? "exited with status \(process.terminationStatus)"
            : "was killed by signal \(process.terminationStatus)"
        let last = tail.lastLine()
        return .failed("command \(command.joined(separator: " ")) \(how)" + (last.isEmpty ? "" : ": \(last)"))
    }

    /// Asks the program to stop: SIGTERM now, SIGKILL if it is still running after `grace` seconds.
    /// Safe to call from any thread, more than once.
    public func stop(grace: TimeInterval = 5) {
        guard stopRequested.set() else { return }
        let pid = process.processIdentifier
        guard pid > 0, process.isRunning else { return }
        kill(pid, SIGTERM)
        let process = self.process
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
            if process.isRunning { kill(pid, SIGKILL) }
        }
    }

    /// Parses a metric line: a JSON object with an integer `epoch` and numeric metrics.
    /// Returns nil for anything else (which is then treated as a log line).
    public static func parseMetricLine(_ line: String) -> EpochLine? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}"),
              let object = try? JSONDecoder().decode([String: MetricField].self, from: Data(trimmed.utf8)),
              case .number(let epochDouble)? = object["epoch"] else { return nil }
        guard epochDouble >= 1, epochDouble == epochDouble.rounded(), epochDouble < 1e9 else { return nil }
        var metrics: [String: Double] = [:]
        for (key, value) in object where key != "epoch" {
            if case .number(let n) = value { metrics[key] = n }
        }
        return EpochLine(epoch: Int(epochDouble), metrics: metrics)
    }
}

/// A value in a metric line: numbers are metrics, anything else is ignored.
private enum MetricField: Decodable {
    case number(Double)
    case other

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .other }
    }
}

/// A set-once flag shared between the slot thread and whoever stops the trial.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    /// Sets the flag; returns false if it was already set.
    func set() -> Bool { lock.lock(); defer { lock.unlock() }; if value { return false }; value = true; return true }
}

/// The last few KiB a program wrote to stderr, for the failure reason.
private final class TailBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let limit: Int
    init(limit: Int) { self.limit = limit }
    func append(_ chunk: Data) {
        lock.lock(); defer { lock.unlock() }
        data.append(chunk)
        if data.count > limit { data = data.suffix(limit) }
    }
    func lastLine() -> String {
        lock.lock(); defer { lock.unlock() }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
    }
}

/// Splits a pipe's bytes into lines as they arrive.
private struct LineReader {
    let handle: FileHandle
    var buffer = Data()
    var finished = false

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<nl]
                buffer.removeSubrange(buffer.startIndex...nl)
                return String(decoding: line, as: UTF8.self)
            }
            if finished {
                if buffer.isEmpty { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            let chunk = handle.availableData
            if chunk.isEmpty { finished = true } else { buffer.append(chunk) }
        }
    }
}
