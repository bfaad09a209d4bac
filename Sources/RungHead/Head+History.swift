import Foundation
import RungCore

/// `warm_start: history`: the observations imported for a family (`rung import mlflow`,
/// `PriorHistory` files under `history/<family>/` in the artifacts store) are fitted into the
/// family's space and told to its searcher before its first suggestion. Every clipped or
/// dropped parameter and every unusable observation is logged.
extension Head {
    /// `sweep` with the imported history told to each family that asks for it.
    func withHistory(_ sweep: SweepRuntime) -> SweepRuntime {
        var sweep = sweep
        for (index, family) in sweep.config.families.enumerated() where family.warmStart == .history {
            let name = family.name
            var observations: [(params: [String: ParamValue], value: Double)] = []
            var dropped = 0
            do {
                let keys = try blobs.list(prefix: PriorHistory.keyPrefix(family: name)).filter { $0.hasSuffix(".json") }.sorted()
                if keys.isEmpty {
                    log("\(sweep.config.name) \(name): warm start: no imported history (rung import mlflow --to-family \(name)); the search starts normally")
                    continue
                }
                for key in keys {
                    let file = scratch.appendingPathComponent("history-\(UUID().uuidString.prefix(8)).json")
                    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                    try blobs.get(key, to: file)
                    defer { try? FileManager.default.removeItem(at: file) }
                    let history = try JSONDecoder().decode(PriorHistory.self, from: Data(contentsOf: file))
                    if history.metric != sweep.config.metric.name {
                        log("\(sweep.config.name) \(name): warm start: \(key) holds \(history.metric), not the sweep's metric \(sweep.config.metric.name); its values are used as they are")
                    }
                    for observation in history.observations {
                        let given = observation.params.mapValues(PriorHistory.value(of:))
                        let point = WarmStartPoint.fit(given, to: family.space, ignoring: Set(family.epoch.keys))
                        for note in point.notes { log("\(sweep.config.name) \(name): history run \(observation.source): \(note)") }
                        guard let params = point.params, observation.value.isFinite else {
                            dropped += 1
                            continue
                        }
                        observations.append((params, observation.value))
                    }
                }
            } catch {
                log("\(sweep.config.name) \(name): warm start from history skipped: \(error)")
                continue
            }
            sweep.families[index].tuner.tellHistory(observations, budget: sweep.config.scheduler.maxEpochs)
            log("\(sweep.config.name) \(name): TPE starts from \(observations.count) imported observation(s)"
                + (dropped > 0 ? "; \(dropped) unusable one(s) dropped" : ""))
        }
        return sweep
    }
}
