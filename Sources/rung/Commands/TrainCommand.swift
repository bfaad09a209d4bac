import ArgumentParser
import RungCore

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Not built yet.")
    func run() throws { throw RungError.internalFailure("rung train is not built yet") }
}
