import ArgumentParser
import Foundation
import RungCore

/// `rung ask-tell`: rung's searcher over JSON lines on stdin/stdout, so any evaluator
/// (and the search-quality benchmark) can drive it.
struct AskTellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask-tell",
        abstract: "Drive rung's searcher over JSON lines on stdin and stdout.",
        discussion: """
        One JSON request per line on stdin, one reply line each on stdout:
          init   {"op":"init","space":{...},"seed":1,"mode":"min","parallel":4}
                 -> {"ok":true}
          ask    {"op":"ask"} -> {"trial":0,"params":{"x":0.42}}
                 (with "trace": true also every intermediate quantity of the TPE
                 suggestion, "draws": N extra samples from l(x); docs/search.md)
          tell   {"op":"tell","trial":0,"value":1.5} -> {"ok":true}
                 (value null: the trial failed)
          close  {"op":"close"} -> no reply, exit 0

        space maps names to {"type":...}: uniform and loguniform ("low", "high"), \
        int ("low", "high" inclusive, optional "log": true), quniform ("q"), \
        choice ("choices"), const ("value"); "when": {"p": v} makes one conditional. \
        A malformed request is answered {"error":"..."} and the session goes on. \
        With "parallel" P the evaluator may ask P times before telling; pending \
        trials count as bad results, so parallel asks spread out.
        """
    )

    @Option(help: "The search algorithm: tpe or random.")
    var searcher: String = "tpe"

    @Option(name: .customLong("startup-trials"), help: "Random trials before TPE fits its model.")
    var startupTrials: Int = 10

    @Option(help: "Candidates drawn from l(x) per ask; the best by l(x)/g(x) is suggested.")
    var candidates: Int = 24

    @Flag(help: "Model each parameter on its own instead of jointly (TPE).")
    var univariate: Bool = false

    @Option(help: "Good-group rule: optuna (min(ceil(0.1 n), 25)) or hyperopt (ceil(0.25 sqrt n)).")
    var gamma: String = "optuna"

    func run() throws {
        guard let kind = SearcherSettings.Kind(rawValue: searcher) else {
            throw RungError.usage("--searcher must be tpe or random, not '\(searcher)'")
        }
        guard startupTrials >= 1, candidates >= 1 else {
            throw RungError.usage("--startup-trials and --candidates must be at least 1")
        }
        var options = TPEOptions()
        options.startupTrials = startupTrials
        options.candidates = candidates
        options.multivariate = !univariate
        switch gamma {
        case "optuna": options.gamma = .linear(fraction: 0.1, cap: 25)
        case "hyperopt": options.gamma = .sqrt(factor: 0.25)
        default: throw RungError.usage("--gamma must be optuna or hyperopt, not '\(gamma)'")
        }
        var session = AskTellSession(searcher: kind, tpe: options)
        let out = FileHandle.standardOutput
        while let line = readLine(strippingNewline: true) {
            let reply = session.handle(line: line)
            if let text = reply.line {
                out.write(Data((text + "\n").utf8))
            }
            if reply.exit { return }
        }
    }
}
