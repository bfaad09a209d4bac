import ArgumentParser
import RungCore

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Not built yet.")
    func run() throws { throw RungError.internalFailure("rung simulate is not built yet") }
}
