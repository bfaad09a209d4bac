import Foundation

/// What the head knows about one connected worker.
struct WorkerEntry {
    /// The ROUTER routing id frame that reaches this worker.
    var identity: [UInt8]
    var name: String
    var host: String
    var slots: Int
    var families: Set<String>
    /// Trials (global ids) the head has given this worker and not yet seen end.
    var running: Set<Int64> = []
    var lastHeard: Date
    var draining = false

    var freeSlots: Int { draining ? 0 : max(0, slots - running.count) }
}

/// The connected workers by name, in a stable order so decisions are deterministic.
struct WorkerTable {
    private(set) var byName: [String: WorkerEntry] = [:]

    var names: [String] { byName.keys.sorted() }

    subscript(name: String) -> WorkerEntry? {
        get { byName[name] }
        set { byName[name] = newValue }
    }

    /// The worker behind a routing id.
    func name(forIdentity identity: [UInt8]) -> String? {
        byName.values.first { $0.identity == identity }?.name
    }

    mutating func remove(_ name: String) -> WorkerEntry? { byName.removeValue(forKey: name) }

    /// Workers silent for longer than `lostAfter`, as of `now`.
    func silent(since lostAfter: TimeInterval, now: Date) -> [String] {
        names.filter { now.timeIntervalSince(byName[$0]!.lastHeard) > lostAfter }
    }

    var totalSlots: Int { byName.values.reduce(0) { $0 + $1.slots } }
    var busySlots: Int { byName.values.reduce(0) { $0 + $1.running.count } }
}
