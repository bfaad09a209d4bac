import RungCore

/// The reply of `workers`: the head's store (its location, any password masked) and every
/// worker recorded in it, connected or not, as the store's records (dates in Unix seconds).
public struct StoreWorkers: ControlReply, Equatable {
    /// Always true in a success reply.
    public var ok: Bool
    /// The head's store location, any password masked.
    public var store: String
    /// The workers, as the store lists them.
    public var workers: [WorkerRecord]

    /// A workers reply.
    public init(ok: Bool = true, store: String, workers: [WorkerRecord]) {
        self.ok = ok
        self.store = store
        self.workers = workers
    }
}
