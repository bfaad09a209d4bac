import ArgumentParser
import Foundation
import RungCore
import RungStore
import RungArtifacts
import RungCLI

/// `rung sweep`: submit and cancel sweeps on a running head; list and inspect the store's sweeps.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Submit sweeps to a running head, cancel them, list and inspect them.",
        subcommands: [SweepSubmitCommand.self, SweepCancelCommand.self, SweepListCommand.self, SweepShowCommand.self]
    )
}

/// `rung sweep ls`: one line per sweep.
struct SweepListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List every sweep: id, name, status, families, trials done/total, best metric, created, duration.",
        discussion: "Sweeps are listed oldest first (the newest is at the bottom). The store is opened read-only, so this works while a head runs."
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var through: HeadReadOptions

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        guard let opened = try through.mirror(sweep: nil) ?? store.openReadOnlyIfExists() else {
            if json { try Output.json(SweepListJSON(store: store.maskedStoreURL, sweeps: [])) }
            else { Output.line("no sweeps yet: nothing has run with store \(store.maskedStoreURL)") }
            return
        }
        defer { opened.close() }
        let now = Date()
        let snapshots = try opened.sweeps().map { try SweepSnapshot.load($0, from: opened, strict: false) }
        if json {
            try Output.json(SweepListJSON(store: opened.location, sweeps: snapshots.map { $0.summaryJSON(now: now) }))
            return
        }
        guard !snapshots.isEmpty else {
            Output.line("no sweeps yet: nothing has run with store \(opened.location)")
            return
        }
        Output.line(SweepListView.table(snapshots, now: now))
    }
}

/// `rung sweep show ID`: one sweep, family by family.
struct SweepShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one sweep: per family, trials by status, the best trial with its parameters and metrics, and the versions it registered.",
        discussion: "An id that is not in the store exits with status 65."
    )

    @Argument(help: "The sweep id (as printed by `rung sweep ls`).")
    var id: Int64

    @OptionGroup var store: StoreOptions

    @OptionGroup var through: HeadReadOptions

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func run() throws {
        let opened = try through.mirror(sweep: id) ?? store.openReadOnly(missing: "sweep \(id) does not exist")
        defer { opened.close() }
        let sweep = try SweepSnapshot.sweep(id: id, in: opened)
        let snapshot = try SweepSnapshot.load(sweep, from: opened)
        let registered = try opened.modelVersions(family: nil).filter { $0.sweepID == sweep.id }
        let now = Date()
        if json {
            try Output.json(SweepShowJSON(snapshot: snapshot, registered: registered, now: now))
            return
        }
        for line in SweepShowView(snapshot: snapshot, registered: registered, now: now).lines() { Output.line(line) }
        if let line = try TrackingExportLine.text(sweep: sweep, store: opened) { Output.line(line) }
    }
}

