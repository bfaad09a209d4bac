import ArgumentParser
import RungCore

struct AskTellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ask-tell", abstract: "Not built yet.")
    func run() throws { throw RungError.internalFailure("rung ask-tell is not built yet") }
}
