import Foundation
import RungCore
import RungStore
import RungWire

/// What read-only commands (`rung workers`, `rung leaderboard`, `rung sweep ls|show` with
/// `--head`) ask a running head for instead of opening its store, turned back into the
/// store's records so the command prints the same.
public enum HeadStoreReads {
    /// An in-memory store holding what the head's store holds of `sweep` (nil: every sweep;
    /// with `latest`, only the newest sweep), labelled with the head's store location, so the
    /// commands read it exactly as they read a store file.
    public static func mirror(endpoint: String, keys: String?, sweep: Int64?, latest: Bool = false) throws -> any Store {
        let client = try HeadClient(endpoint: endpoint, keys: keys)
        var wanted = sweep
        if wanted == nil && latest {
            let listing = try client.send(SweepRecordsRequest(sweep: nil, details: false))
            wanted = listing.sweeps.map(\.id).max()
            if wanted == nil { return try copy(listing, endpoint: endpoint) }
        }
        return try copy(client.send(SweepRecordsRequest(sweep: wanted, details: true)), endpoint: endpoint)
    }

    /// The records in a new in-memory store.
    private static func copy(_ records: SweepRecords, endpoint: String) throws -> any Store {
        let store = try SQLiteStore(path: ":memory:")
        store.label = records.store + " (through the head at \(endpoint))"
        try store.transaction {
            for sweep in records.sweeps { _ = try store.createSweep(sweep) }
            for study in records.studies { try store.createStudy(study) }
            for trial in records.trials { _ = try store.createTrial(trial) }
            try store.recordEpochs(records.epochs)
            // Versions arrive in order per family, so the store numbers them as the head's did.
            for version in records.modelVersions {
                let copied = try store.createModelVersion(version)
                guard copied.version == version.version else {
                    throw RungError.unavailable("the head at \(endpoint) sent model \(version.family) versions with a gap before v\(version.version)")
                }
            }
        }
        return store
    }

    /// The head's store location and its worker records.
    public static func workers(endpoint: String, keys: String?) throws -> (location: String, workers: [WorkerRecord]) {
        let client = try HeadClient(endpoint: endpoint, keys: keys)
        let reply = try client.send(StoreWorkersRequest())
        return (reply.store, reply.workers)
    }
}
