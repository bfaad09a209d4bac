import Foundation
import RungWorker
import XCTest

/// A `Worker` running on a background thread in this process, with its log captured.
final class RunningWorker: @unchecked Sendable {
    let worker: Worker
    private let lock = NSLock()
    private var result: Result<WorkerSummary, any Error>?
    private let finished = DispatchSemaphore(value: 0)

    init(options: WorkerOptions, handlingSignals: Bool = false) throws {
        let box = LogBox()
        worker = try Worker(options: options, log: WorkerLog { box.append($0) })
        logBox = box
        let worker = self.worker
        Thread {
            let r = Result { try worker.run(handlingSignals: handlingSignals) }
            self.lock.withLock { self.result = r }
            self.finished.signal()
        }.start()
    }

    private let logBox: LogBox

    /// The log lines so far.
    var log: [String] { logBox.lines }

    /// The summary once `run()` returned within `timeout` seconds, else nil.
    func wait(timeout: TimeInterval) throws -> WorkerSummary? {
        guard finished.wait(timeout: .now() + timeout) == .success else { return nil }
        finished.signal()
        return try lock.withLock { result }?.get()
    }

    /// Makes sure the worker has left (used at teardown).
    func stopNow() {
        if (try? wait(timeout: 0)) != nil { return }
        worker.requestStop()
        worker.requestStop()
        _ = try? wait(timeout: 10)
    }
}

/// Log lines collected from any thread.
final class LogBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
