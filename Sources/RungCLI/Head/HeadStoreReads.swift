import Foundation
import RungCore
import RungStore
import RungWire

/// What read-only commands (`rung workers --head`) ask a running head for instead of
/// opening its store, turned back into the store's records so the command prints the same.
public enum HeadStoreReads {
    /// The head's store location and its worker records.
    public static func workers(endpoint: String, keys: String?) throws -> (location: String, workers: [WorkerRecord]) {
        let client = try HeadClient(endpoint: endpoint, keys: keys)
        let reply = try client.send(StoreWorkersRequest())
        let workers = try reply.workers.map { w in
            guard let status = WorkerRecord.Status(rawValue: w.status) else {
                throw RungError.unavailable("the head at \(endpoint) sent a worker status this rung does not know (\(w.status)); are the head and this rung the same version?")
            }
            return WorkerRecord(name: w.name, host: w.host, slots: w.slots, status: status,
                                firstSeen: Date(timeIntervalSince1970: w.firstSeen), lastSeen: Date(timeIntervalSince1970: w.lastSeen))
        }
        return (reply.store, workers)
    }
}
