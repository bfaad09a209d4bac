import ArgumentParser
import RungCore

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "Not built yet.")
    func run() throws { throw RungError.internalFailure("rung predict is not built yet") }
}
