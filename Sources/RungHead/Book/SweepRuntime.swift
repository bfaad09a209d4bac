import Foundation
import RungCore
import RungArtifacts

/// One running sweep: its config, data, and a runtime per family.
struct SweepRuntime: Sendable {
    let id: Int64
    let config: SweepConfig
    let data: SweepData
    var families: [FamilyRuntime]
    /// Round-robin position over families, so every family progresses.
    var nextFamily = 0
    var cancelled = false

    /// A sweep whose families first evaluate `warmStarts[familyIndex]` (see `FamilyTuner`).
    init(id: Int64, config: SweepConfig, data: SweepData, warmStarts: [Int: [[String: ParamValue]]] = [:]) {
        self.id = id
        self.config = config
        self.data = data
        families = config.families.enumerated().map {
            FamilyRuntime(config: $1, index: $0, sweep: config, warmStarts: warmStarts[$0] ?? [])
        }
    }

    var isDone: Bool { cancelled || families.allSatisfy(\.isDone) }

    func familyIndex(_ name: String) -> Int? { families.firstIndex { $0.config.name == name } }

    /// The next piece of work over the families, round-robin, for a worker that can run `canRun`.
    mutating func nextWork(allowRestarts: Bool, canRun: (FamilyConfig) -> Bool) -> (family: Int, work: FamilyRuntime.Work)? {
        guard !cancelled else { return nil }
        for offset in 0..<families.count {
            let f = (nextFamily + offset) % families.count
            guard canRun(families[f].config), let work = families[f].nextWork(allowRestarts: allowRestarts) else { continue }
            nextFamily = (f + 1) % families.count
            return (f, work)
        }
        return nil
    }

    /// The trial's seed: derived from the sweep seed, the family and the trial number.
    func trialSeed(family: Int, number: Int) -> UInt64 {
        var g = SeededGenerator(seed: config.seed ^ (UInt64(family + 1) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(number))
        return g.next()
    }
}
