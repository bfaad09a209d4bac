import Foundation

/// What the head knows about one connected worker.
struct WorkerEntry: Sendable {
    /// The ROUTER routing id frame that reaches this worker.
    var identity: [UInt8]
    var name: String
    var host: String
    var slots: Int
    var families: Set<String>
    /// Trials (global ids) the head has given this worker and not yet seen end.
    var running: Set<Int64> = []
    var lastHeard: Date
    /// The name of the CURVE key the worker connected with (its ZAP user id); nil without keys.
    var key: String? = nil
    var draining = false

    var freeSlots: Int { draining ? 0 : max(0, slots - running.count) }
}

/// The connected workers by name, in a stable order so decisions are deterministic.
struct WorkerTable: Sendable {
    private(set) var byName: [String: WorkerEntry] = [:]
    /// Routing id → worker name: every incoming message is looked up by its routing id.
    private var nameByIdentity: [[UInt8]: String] = [:]

    var names: [String] { byName.keys.sorted() }

    subscript(name: String) -> WorkerEntry? {
        get { byName[name] }
        set {
            let oldIdentity = byName[name]?.identity
            byName[name] = newValue
            guard oldIdentity != newValue?.identity else { return }
            if let oldIdentity { nameByIdentity[oldIdentity] = nil }
            if let new = newValue { nameByIdentity[new.identity] = name }
        }
    }

    /// The worker behind a routing id.
    func name(forIdentity identity: [UInt8]) -> String? {
        nameByIdentity[identity]
    }

    mutating func remove(_ name: String) -> WorkerEntry? {
        guard let entry = byName.removeValue(forKey: name) else { return nil }
        if nameByIdentity[entry.identity] == name { nameByIdentity[entry.identity] = nil }
        return entry
    }

    /// Workers silent for longer than `lostAfter`, as of `now`.
    func silent(since lostAfter: TimeInterval, now: Date) -> [String] {
        names.filter { now.timeIntervalSince(byName[$0]!.lastHeard) > lostAfter }
    }

    var totalSlots: Int { byName.values.reduce(0) { $0 + $1.slots } }
    var busySlots: Int { byName.values.reduce(0) { $0 + $1.running.count } }
}
