import Foundation
import RungStore

/// The seam for pass observers (`HeadPassObserver`): the loop calls these two at the end of
/// a pass's transaction and after its sends.
extension Head {
    /// Lets every observer add its writes to the pass's transaction. They go through the
    /// head's `MonitoredStore`, so they are journalled with the pass: a pass the store could
    /// not commit holds them and commits them when the store is back (`Head+Stall.swift`).
    func observersWillCommit() throws {
        for observer in passObservers { try observer.passWillCommit(store: store) }
    }

    /// Tells every observer about the committed pass.
    func observersCommitted(startedAt: DispatchTime, committedAt: DispatchTime, handled: Bool) {
        guard !passObservers.isEmpty else { return }
        let end = DispatchTime.now().uptimeNanoseconds
        let pass = HeadPass(effects: passEffects,
                            transactionSeconds: Double(committedAt.uptimeNanoseconds - startedAt.uptimeNanoseconds) / 1e9,
                            seconds: Double(end - startedAt.uptimeNanoseconds) / 1e9, handledMessages: handled)
        passEffects.removeAll(keepingCapacity: true)
        for observer in passObservers { observer.passCommitted(pass, head: self) }
    }

    /// Runs one more transaction for the observers alone (after the loop stopped: the last
    /// export marks of `rung run`).
    /// A store that cannot take them now gets them once more, after `retrySeconds`, before
    /// the error is thrown (the marks are then lost; the next export finds the runs again
    /// by their tags).
    public func flushObservers(retrySeconds: Double = 2) throws {
        do {
            try store.transaction { try observersWillCommit() }
        } catch let deferred as DeferredPass {
            Thread.sleep(forTimeInterval: retrySeconds)
            do { try store.replay(deferred) } catch { throw deferred.failure }
        }
    }
}
