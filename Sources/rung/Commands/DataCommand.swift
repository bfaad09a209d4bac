import ArgumentParser
import RungCore

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "data", abstract: "Not built yet.")
    func run() throws { throw RungError.internalFailure("rung data is not built yet") }
}
