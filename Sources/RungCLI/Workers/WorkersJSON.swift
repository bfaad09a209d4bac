import Foundation
import RungStore
import RungCore

/// `rung workers --json`.
public struct WorkersJSON: Encodable {
    /// One worker the head has seen.
    public struct Worker: Encodable {
        var name: String
        var host: String
        var slots: Int
        var status: String
        var firstSeen: String
        var lastSeen: String
        var lastSeenSecondsAgo: Double

        /// The JSON form of `w`, its silence counted to `now`.
        public init(_ w: WorkerRecord, now: Date) {
            name = w.name
            host = w.host
            slots = w.slots
            status = w.status.rawValue
            firstSeen = Humanize.iso(w.firstSeen)
            lastSeen = Humanize.iso(w.lastSeen)
            lastSeenSecondsAgo = max(0, now.timeIntervalSince(w.lastSeen))
        }

        enum CodingKeys: String, CodingKey {
            case name, host, slots, status
            case firstSeen = "first_seen", lastSeen = "last_seen", lastSeenSecondsAgo = "last_seen_seconds_ago"
        }
    }

    var store: String
    var workers: [Worker]

    /// The listing of `workers` seen by a head with the store at `store`.
    public init(store: String, workers: [Worker]) {
        self.store = store
        self.workers = workers
    }
}
