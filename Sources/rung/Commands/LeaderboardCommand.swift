import ArgumentParser
import Foundation
import RungCore
import RungStore
import RungCLI

/// `rung leaderboard`: a sweep's trials ranked by its metric.
struct LeaderboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Rank a sweep's trials by the sweep metric at their last reported epoch.",
        discussion: """
        Trials without a value for the metric rank last; ties go to more epochs, then the lower \
        trial id. Without --family the rank is overall; with it, the rank within the family. \
        The store is opened read-only, so this works while a head runs.

        The table fits the terminal (or $COLUMNS when stdout is not a terminal; --wide: never \
        cut). Status words are coloured on a terminal unless NO_COLOR is set; pipes, files, \
        --csv and --json never carry escape codes.
        """
    )

    @Argument(help: "The sweep id. Default: the latest sweep.")
    var sweep: Int64?

    @Option(help: "Only trials of this model family.")
    var family: String?

    @Option(help: "Show the best K trials.")
    var top: Int = 10

    @OptionGroup var store: StoreOptions

    @OptionGroup var through: HeadReadOptions

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    @Flag(help: "Print CSV (with a header row) instead of a table.")
    var csv = false

    @Flag(help: "Never cut the table to the terminal's width (by default a wide table cuts the parameters, then leaves out the worker and duration columns).")
    var wide = false

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1, not \(top).") }
        if json && csv { throw ValidationError("--json and --csv cannot be combined; choose one.") }
    }

    func run() throws {
        let opened: any Store
        if let mirrored = try through.mirror(sweep: sweep, latest: true) {
            opened = mirrored
        } else if let sweep {
            opened = try store.openReadOnly(missing: "sweep \(sweep) does not exist")
        } else {
            guard let existing = try store.openReadOnlyIfExists() else {
                noSweeps(store.maskedStoreURL)
                return
            }
            opened = existing
        }
        defer { opened.close() }
        let record: SweepRecord
        if let sweep {
            record = try SweepSnapshot.sweep(id: sweep, in: opened)
        } else {
            guard let latest = try opened.sweeps().last else {
                noSweeps(opened.location)
                return
            }
            record = latest
        }
        let snapshot = try SweepSnapshot.load(record, from: opened)
        if let family, !snapshot.familyNames.contains(family) {
            let known = snapshot.familyNames.joined(separator: ", ")
            throw RungError.badInput("sweep \(record.id) has no family \(family) (it has: \(known.isEmpty ? "none" : known))")
        }
        let view = LeaderboardView(snapshot: snapshot, family: family, top: top)
        if json {
            try Output.json(view.json())
        } else if csv {
            Output.line(view.csv())
        } else {
            Output.line(view.text(width: wide ? nil : TerminalStyle.width))
        }
    }

    private func noSweeps(_ location: String) {
        if json {
            try? Output.json(LeaderboardJSON.Empty(store: location, trials: []))
        } else if csv {
            Output.note("rung: no sweeps yet: nothing has run with store \(location)")
        } else {
            Output.line("no sweeps yet: nothing has run with store \(location)")
        }
    }
}

