import Foundation
import RungCore
import RungStore

/// The live progress of `rung run` and `rung sweep submit --wait`. On a terminal it is one
/// line rewritten in place (at most twice a second) with the elapsed time, trials done,
/// running, the best so far per family and an ETA; events are printed above it. Elsewhere
/// (a pipe, a log file, cron, systemd) it prints a plain UTC-timestamped line when the
/// progress changed, at most every 10 s, and at least every minute while nothing changes.
public final class SweepProgress {
    private let output: FileHandle
    private let quiet: Bool
    /// Whether the output is a terminal (one live line) or not (plain lines).
    public let isTerminal: Bool
    /// When the sweep started to train (the elapsed time and the first ETA count from here).
    public var started: Date
    private var lineShown = false
    private var lastDraw = Date.distantPast
    private var lastPlain: Date?
    private var lastPlainSnapshot: ProgressSnapshot?
    /// When each ended trial was first seen ended, oldest first (for the ETA).
    private var completions: [Date] = []
    /// The sweep's parsed config, read once (`rung run` draws on the head's loop).
    private var cachedConfig: SweepConfig?
    /// When `update` last read the store.
    private var lastRead = Date.distantPast

    /// Progress written to `output`; with `json` nothing is written at all.
    public init(json: Bool, output: FileHandle = .standardOutput, started: Date = Date()) {
        self.output = output
        quiet = json
        isTerminal = isatty(output.fileDescriptor) == 1
        self.started = started
    }

    /// Prints an event line, above the live line on a terminal.
    public func log(_ line: String) {
        guard !quiet else { return }
        clearLine()
        output.write(Data((line + "\n").utf8))
    }

    /// Shows `snapshot`: redraws the live line, or prints a plain line when it is time.
    public func show(_ snapshot: ProgressSnapshot, now: Date = Date()) {
        guard !quiet else { return }
        while completions.count < snapshot.ended { completions.append(now) }
        let eta = self.eta(remaining: snapshot.total - snapshot.ended, now: now)
        if isTerminal {
            guard now.timeIntervalSince(lastDraw) >= 0.5 else { return }
            lastDraw = now
            let text = "[\(Self.duration(now.timeIntervalSince(started)))] sweep \(snapshot.sweepID): " + snapshot.text(eta: eta)
            let width = Self.terminalWidth(output.fileDescriptor)
            output.write(Data(("\r\u{1B}[K" + String(text.prefix(max(20, width - 1)))).utf8))
            lineShown = true
        } else {
            let since = lastPlain.map { now.timeIntervalSince($0) } ?? .infinity
            let changed = lastPlainSnapshot.map { $0.ended != snapshot.ended || $0.best != snapshot.best || $0.running != snapshot.running } ?? true
            guard (changed && since >= 10) || since >= 60 else { return }
            lastPlain = now
            lastPlainSnapshot = snapshot
            output.write(Data((Self.timestamp(now) + " sweep \(snapshot.sweepID): " + snapshot.text(eta: eta) + "\n").utf8))
        }
    }

    /// `rung run`: reads the progress from the store and shows it with `workers` connected
    /// workers (at most once a second, since it queries the store on the head's loop).
    public func update(workers: Int, sweepID: Int64, store: any Store) {
        guard !quiet else { return }
        let now = Date()
        guard now.timeIntervalSince(lastRead) >= (isTerminal ? 1 : 2) else { return }
        lastRead = now
        guard let config = try? config(sweepID: sweepID, store: store),
              let snapshot = try? ProgressSnapshot.load(sweepID: sweepID, config: config, store: store, workers: workers)
        else { return }
        show(snapshot, now: now)
    }

    /// Removes the live line (before a summary is printed).
    public func finishLine() { clearLine() }

    private func clearLine() {
        if isTerminal && lineShown {
            output.write(Data("\r\u{1B}[K".utf8))
            lineShown = false
        }
    }

    /// Seconds until `remaining` more trials end at the recent completion rate: the
    /// completions after the one ten back, over the time since it (or since the start),
    /// so a stall lengthens the estimate. Completions seen in the same look share a time,
    /// so the cut falls between two looks. Nil before the first completion.
    public func eta(remaining: Int, now: Date) -> TimeInterval? {
        guard remaining > 0, !completions.isEmpty else { return nil }
        let cut = completions.count - min(10, completions.count) - 1
        var since = cut >= 0 ? completions[cut] : started
        var recent = completions.filter { $0 > since }.count
        if recent == 0 {
            since = started
            recent = completions.count
        }
        let span = now.timeIntervalSince(since)
        guard span > 0 else { return nil }
        return Double(remaining) * span / Double(recent)
    }

    private func config(sweepID: Int64, store: any Store) throws -> SweepConfig? {
        if let cachedConfig { return cachedConfig }
        guard let record = try store.sweep(id: sweepID) else { return nil }
        cachedConfig = try? SweepConfigParser.parse(yaml: record.configYAML, file: "sweep")
        return cachedConfig
    }

    /// The terminal's width in columns (TIOCGWINSZ, else $COLUMNS, else 100).
    public static func terminalWidth(_ fd: Int32) -> Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100
    }

    /// A UTC timestamp for plain progress lines, e.g. "2026-11-22T05:40:12Z".
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// A short duration: "42s", "3m05s", "2h07m".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let s = Int(max(0, seconds).rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
            : s >= 60 ? String(format: "%dm%02ds", s / 60, s % 60) : "\(s)s"
    }
}

