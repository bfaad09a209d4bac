import Foundation

/// Work too slow for the head's loop thread — resolving, preparing and uploading a sweep's
/// data, copying registered models to the artifacts store — done on one helper thread. The
/// loop hands a job over with `start`, keeps answering heartbeats, and applies the job's
/// result when it collects it with `takeFinished` at the start of a later pass.
///
/// Only the job itself crosses threads: it must capture Sendable values and never the
/// head, its store or its book. Its completion stays on the loop thread.
final class SlowWork {
    /// A job's result on its way back to the loop.
    private struct Finished: @unchecked Sendable {
        // `value` is whatever the job returned; it is read only by the completion that
        // `start` registered for the same job, on the loop thread.
        let job: Int
        let result: Result<Any, any Error>
    }

    private let queue = DispatchQueue(label: "rung.head.slow-work")
    private let inline: Bool
    private let lock = NSLock()
    private var finished: [Finished] = []
    /// Completions by job, registered and run on the loop thread only.
    private var completions: [Int: (Result<Any, any Error>) throws -> Void] = [:]
    private var nextJob = 0

    /// A helper thread; with `inline` the job runs at once on the caller's thread (tests in
    /// virtual time), its completion still waiting for `takeFinished`.
    init(inline: Bool = false) { self.inline = inline }

    /// Jobs started and not yet collected.
    var pending: Int { completions.count }

    /// Runs `job` off the loop; `completion` gets its result on the loop, from `takeFinished`.
    func start<T: Sendable>(_ job: @escaping @Sendable () throws -> T, completion: @escaping (Result<T, any Error>) throws -> Void) {
        let id = nextJob
        nextJob += 1
        completions[id] = { result in try completion(result.map { $0 as! T }) }
        let work: @Sendable () -> Void = { [lock] in
            let result: Result<Any, any Error> = Result { try job() }
            lock.lock()
            self.finished.append(Finished(job: id, result: result))
            lock.unlock()
        }
        if inline { work() } else { queue.async(execute: work) }
    }

    /// Runs the completions of every job that finished, oldest first; call on the loop
    /// thread. A completion that throws stops the collection there (the rest stay waiting).
    func runFinished() throws {
        while true {
            lock.lock()
            let next = finished.isEmpty ? nil : finished.removeFirst()
            lock.unlock()
            guard let next else { return }
            try completions.removeValue(forKey: next.job)?(next.result)
        }
    }
}

extension SlowWork: @unchecked Sendable {}
// The job closure captures `self` only to append to `finished` under `lock`; everything else
// in this class is touched by the loop thread alone.
