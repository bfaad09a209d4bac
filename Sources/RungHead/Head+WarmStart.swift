import Foundation
import RungCore
import RungStore

/// Warm starts: the parameters each family evaluates before its searcher's suggestions
/// (`warm_start: production` evaluates the family's production model version first).
extension Head {
    /// The warm-start parameter sets of every family of `config` that asks for them, by
    /// family index. A family without a production version, or whose production parameters
    /// cannot be used in its current space, starts normally; every adjustment is logged.
    func warmStarts(for config: SweepConfig) -> [Int: [[String: ParamValue]]] {
        var result: [Int: [[String: ParamValue]]] = [:]
        for (index, family) in config.families.enumerated() where family.warmStart == .production {
            let name = family.name
            do {
                guard let production = try store.productionVersion(family: name) else {
                    log("\(config.name) \(name): warm start: no production version yet; the search starts normally")
                    continue
                }
                let metadata = try registry.metadata(of: production)
                var given: [String: ParamValue] = [:]
                var notes: [String] = []
                for (key, value) in metadata.params {
                    switch value {
                    case .int(let i): given[key] = .int(Int(i))
                    case .double(let d): given[key] = .double(d)
                    case .string(let s): given[key] = .string(s)
                    case .bool(let b): given[key] = .bool(b)
                    case .null, .array, .object: notes.append("\(key) is not a scalar; dropped")
                    }
                }
                let point = WarmStartPoint.fit(given, to: family.space, ignoring: Set(family.epoch.keys))
                notes += point.notes
                let source = "\(name) v\(production.version) (production)"
                for note in notes { log("\(config.name) \(name): warm start from \(source): \(note)") }
                guard let params = point.params else { continue }
                result[index] = [params]
                log("\(config.name) \(name): trial 0 evaluates the parameters of \(source): \(family.space.json(params))")
            } catch {
                log("\(config.name) \(name): warm start skipped: \(error)")
            }
        }
        return result
    }
}
