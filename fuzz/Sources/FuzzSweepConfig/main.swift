import CLibFuzzer
import Foundation
import RungCore

/// One libFuzzer input: one sweep config file. Parsing must give a config or throw
/// a `RungError` (which names the file, line and key), never crash; and an accepted config
/// must not crash the head when it starts the sweep: its first trials are drawn and
/// observed as a family tuner does, and every draw must lie in its parameter's domain.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSweepConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // `SweepConfigParser.load` refuses a file that is not UTF-8 before parsing.
    guard size > 0, let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else {
        return 0
    }
    do {
        let config = try SweepConfigParser.parse(yaml: text, file: "fuzz.yaml")
        startFamilies(of: config)
    } catch is RungError {
    } catch {
        fatalError("the sweep config parser failed with something other than a RungError: \(error)")
    }
    return 0
}

/// The first few trials of each family, as the head's tuners start them.
private func startFamilies(of config: SweepConfig) {
    _ = config.scheduler.makeScheduler(mode: config.metric.mode)
    for (index, family) in config.families.prefix(3).enumerated() {
        var searcher = config.searcher.makeSearcher(space: family.space, mode: config.metric.mode,
                                                    seed: config.searcherSeed(forFamilyAt: index))
        for trial in 0..<4 {
            let params = searcher.suggest(trialID: trial)
            if let problem = family.space.validationProblem(of: params) {
                fatalError("family \(family.name) drew parameters outside its space: \(problem)")
            }
            _ = family.space.json(params)
            searcher.observe(trialID: trial, value: Double(trial), budget: 1)
            searcher.finish(trialID: trial)
        }
    }
}

// libFuzzer reads its flags (-max_total_time=…, corpus directories) from the command line.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzSweepConfig(data, size) })
