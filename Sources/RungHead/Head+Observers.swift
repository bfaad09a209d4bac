import Foundation
import RungStore

/// The seam for pass observers (`HeadPassObserver`): the loop calls these two at the end of
/// a pass's transaction and after its sends.
extension Head {
    /// The head's store without the `rung top` monitor around it.
    var baseStore: any Store { (store as? MonitoredStore)?.base ?? store }

    /// Lets every observer add its writes to the pass's transaction.
    func observersWillCommit() throws {
        for observer in passObservers { try observer.passWillCommit(store: baseStore) }
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
    public func flushObservers() throws {
        try store.transaction { try observersWillCommit() }
    }
}
