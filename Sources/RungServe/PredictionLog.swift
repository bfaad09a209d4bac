import Foundation
import RungCore

/// The prediction log: one JSON line per scored row, appended by a serial queue of its own
/// so a request never waits for the disk. When the file would pass `maxBytes` it is rotated
/// (`predictions.jsonl` → `.1` → `.2` …, keeping `keep` old files). Lines queued beyond
/// `maxPendingBytes` are dropped and counted rather than letting memory grow.
///
/// Thread rule for `@unchecked Sendable`: the file state is touched only on `queue`;
/// `pending` and `dropped` are guarded by `lock`.
public final class PredictionLog: @unchecked Sendable {
    /// The log file.
    public let url: URL
    /// The size past which the file is rotated.
    public let maxBytes: Int
    /// How many rotated files are kept.
    public let keep: Int
    /// The most bytes waiting for the disk before new lines are dropped.
    public let maxPendingBytes: Int
    private let queue = DispatchQueue(label: "rung-serve-prediction-log")
    private let lock = NSLock()
    private var pending = 0
    private var droppedLines = 0
    private var handle: FileHandle?
    private var size = 0

    /// Opens (creating) the log at `url`.
    public init(url: URL, maxBytes: Int = 64 << 20, keep: Int = 5, maxPendingBytes: Int = 32 << 20) throws {
        self.url = url
        self.maxBytes = max(1024, maxBytes)
        self.keep = max(1, keep)
        self.maxPendingBytes = maxPendingBytes
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try openFile()
    }

    private func openFile() throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw RungError.unavailable("cannot create the prediction log \(url.path)")
            }
        }
        let h = try FileHandle(forWritingTo: url)
        size = Int(try h.seekToEnd())
        handle = h
    }

    /// The number of lines dropped because the disk fell behind.
    public var dropped: Int { lock.withLock { droppedLines } }

    /// Queues `lines` (each a complete JSON line with its newline) for the file.
    public func append(_ lines: [[UInt8]]) {
        let total = lines.reduce(0) { $0 + $1.count }
        let accepted = lock.withLock { () -> Bool in
            if pending + total > maxPendingBytes { droppedLines += lines.count; return false }
            pending += total
            return true
        }
        guard accepted else { return }
        queue.async { [self] in
            // One write for the whole request unless it would cross the rotation size.
            if lines.count > 1, size + total <= maxBytes {
                var joined: [UInt8] = []
                joined.reserveCapacity(total)
                for line in lines { joined += line }
                write(joined, lines: lines.count)
            } else {
                for line in lines { write(line) }
            }
            lock.withLock { pending -= total }
        }
    }

    /// Waits until every queued line is on disk (for shutdown and tests).
    public func flush() {
        queue.sync { try? handle?.synchronize() }
    }

    private func write(_ line: [UInt8], lines: Int = 1) {
        if size > 0, size + line.count > maxBytes { rotate() }
        guard let handle else { return }
        do {
            try handle.write(contentsOf: line)
            size += line.count
        } catch {
            lock.withLock { droppedLines += lines }
        }
    }

    private func rotate() {
        try? handle?.close()
        handle = nil
        let fm = FileManager.default
        let oldest = URL(fileURLWithPath: url.path + ".\(keep)")
        try? fm.removeItem(at: oldest)
        if keep > 1 {
            for n in stride(from: keep - 1, through: 1, by: -1) {
                let from = URL(fileURLWithPath: url.path + ".\(n)")
                if fm.fileExists(atPath: from.path) { try? fm.moveItem(at: from, to: URL(fileURLWithPath: url.path + ".\(n + 1)")) }
            }
        }
        try? fm.moveItem(at: url, to: URL(fileURLWithPath: url.path + ".1"))
        try? openFile()
    }

    /// Closes the file after the queued lines are written.
    public func close() {
        queue.sync {
            try? handle?.close()
            handle = nil
        }
    }
}
