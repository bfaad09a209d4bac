import ArgumentParser
import Foundation
import RungCore
import RungStore
import RungCLI

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
        Output.line(WorkersView.table(workers, now: now))
    }
}

