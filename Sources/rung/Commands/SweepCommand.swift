import ArgumentParser

/// `rung sweep`: submit, list, show and cancel sweeps.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Submit, list, show and cancel sweeps.",
        subcommands: [SweepSubmitCommand.self, SweepCancelCommand.self]
    )
}
