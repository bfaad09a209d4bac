import ArgumentParser
import Foundation
import RungCore
import RungStore

/// `rung workers`: the workers the head has seen.
struct WorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "List the workers the head has seen: name, host, slots, status and when it last heard from them.",
        discussion: "The store is opened read-only, so this works while a head runs."
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    @OptionGroup var through: HeadReadOptions

    func run() throws {
        let location: String
        var workers: [WorkerRecord] = []
        if let head = through.head {
            (location, workers) = try HeadStoreReads.workers(endpoint: head, keys: through.keys)
        } else if let opened = try store.openReadOnlyIfExists() {
            defer { opened.close() }
            location = opened.location
            workers = try opened.workers()
        } else {
            location = store.maskedStoreURL
        }
        let now = Date()
        if json {
            try Output.json(WorkersJSON(store: location, workers: workers.map { WorkersJSON.Worker($0, now: now) }))
            return
        }
        guard !workers.isEmpty else {
            Output.line("no workers yet: none has joined a head with store \(location)")
            return
        }
        let rows = workers.map { w in
            [w.name, w.host, "\(w.slots)", w.status.rawValue, Humanize.ago(w.lastSeen, now: now)]
        }
        Output.line(TerminalTable.render(["NAME", "HOST", "SLOTS", "STATUS", "LAST SEEN"], rows,
                                         colour: [3: TerminalStyle.colour(forStatus:)]))
    }
}

/// `rung workers --json`.
struct WorkersJSON: Encodable {
    struct Worker: Encodable {
        var name: String
        var host: String
        var slots: Int
        var status: String
        var firstSeen: String
        var lastSeen: String
        var lastSeenSecondsAgo: Double

        init(_ w: WorkerRecord, now: Date) {
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
}
