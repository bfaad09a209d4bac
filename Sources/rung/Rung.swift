import ArgumentParser
import Foundation
import RungCore
import RungTraining
import Dispatch

/// The root command: every subcommand lives in Commands/, one file each.
struct Rung: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rung",
        abstract: "Distributed hyperparameter tuning: TPE search, ASHA early stopping, XGBoost trainers.",
        discussion: """
        Start with `rung run Config/health-predict.yaml`. Every command prints text for people by \
        default and one JSON document with --json. Exit status: 0 success, 64 usage error, \
        65 bad input data, 69 unreachable service, 70 internal failure; `rung run` and \
        `rung sweep submit --wait` also exit 3 (finished, some trials failed), 4 (cancelled), \
        5 (abandoned by the head) and 130 (interrupted). See docs/cli.md.
        """,
        version: RungVersion.string,
        subcommands: [
            RunCommand.self,
            DataCommand.self,
            TrainCommand.self,
            PredictCommand.self,
            ServeCommand.self,
            HeadCommand.self,
            WorkerCommand.self,
            SweepCommand.self,
            LeaderboardCommand.self,
            TopCommand.self,
            ReportCommand.self,
            WorkersCommand.self,
            KeysCommand.self,
            RegistryCommand.self,
            SimulateCommand.self,
            AskTellCommand.self,
            ExportCommand.self,
            ImportCommand.self,
        ]
    )
}

@main
enum RungMain {
    static func main() {
        // libgomp reads OMP_WAIT_POLICY when it loads: re-exec with it set (STACK-NOTES.md).
        OpenMPEnvironment.ensurePassiveWaitPolicy()
        do {
            var command = try Rung.parseAsRoot()
            try command.run()
        } catch let error as RungError {
            FileHandle.standardError.write(Data("rung: \(error.message)\n".utf8))
            exit(error.exitCode)
        } catch {
            Rung.exit(withError: error)
        }
    }
}
