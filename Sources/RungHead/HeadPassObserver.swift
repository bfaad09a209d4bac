import Foundation
import RungStore

/// Something that follows the head's loop passes from outside the book (the MLflow export,
/// the Prometheus metrics): told inside each pass's transaction, where it may add its own
/// store writes, and after the commit with the effects the pass applied. Called on the
/// head's thread; an observer must return quickly and hand slow work to its own thread.
public protocol HeadPassObserver: AnyObject {
    /// Inside the pass's transaction, after the book's effects were written: `store` is
    /// the head's writable store.
    func passWillCommit(store: any Store) throws
    /// After the pass committed and sent its messages.
    func passCommitted(_ pass: HeadPass, head: Head)
}

/// One committed loop pass, as observers see it.
public struct HeadPass {
    /// The book's effects the pass applied, in order.
    public var effects: [HeadEffect]
    /// Seconds from the end of the wait (messages in hand) to the commit.
    public var transactionSeconds: Double
    /// Seconds from the end of the wait to the last send (the latency of the pass's decisions).
    public var seconds: Double
    /// Whether the pass handled any message.
    public var handledMessages: Bool
}
