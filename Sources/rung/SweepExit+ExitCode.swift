import ArgumentParser
import RungCLI

extension SweepExit {
    /// Ends the command with this status (returns normally for `finished`).
    func exitIfNotSuccess() throws {
        if self != .finished { throw ExitCode(rawValue) }
    }
}
