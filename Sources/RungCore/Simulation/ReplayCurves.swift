import Foundation

/// Learning curves replayed from a file of recorded per-epoch results: a suggested
/// configuration gets the curve of the nearest recorded trial (distance in the searcher's
/// normalised coordinates), as tabular benchmarks do.
///
/// File format: JSON lines `{"trial": 3, "params": {...}, "epoch": 1, "value": 0.71}`
/// (`params` needed on at least one line per trial).
public struct ReplayCurves: LearningCurves {
    private struct Recorded: Sendable {
        var coords: [Double]
        var values: [Double]   // index epoch-1; gaps filled forward
    }

    private let space: SearchSpace
    private let encodings: [ParameterEncoding]
    private let trials: [Recorded]

    /// Parses replay `text` (named `file` in errors) for trials over `space`.
    public init(text: String, file: String, space: SearchSpace) throws {
        self.space = space
        let encodings = space.parameters.map { ParameterEncoding($0.domain) }
        self.encodings = encodings
        var params: [Int: [String: ParamValue]] = [:]
        var values: [Int: [Int: Double]] = [:]
        var order: [Int] = []
        let decoder = JSONDecoder()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard case .object(let o)? = try? decoder.decode(JSONValue.self, from: Data(t.utf8)) else {
                throw RungError.badInput("\(file):\(n + 1): not a JSON object")
            }
            guard let id = o["trial"]?.integer, let epoch = o["epoch"]?.integer, epoch >= 1,
                  let v = o["value"]?.number else {
                throw RungError.badInput("\(file):\(n + 1): each line needs trial, epoch (>= 1) and value")
            }
            if values[id] == nil { order.append(id); values[id] = [:] }
            values[id]![epoch] = v
            if case .object(let p)? = o["params"] {
                var ps: [String: ParamValue] = [:]
                for (k, pv) in p { if let x = pv.paramValue { ps[k] = x } }
                params[id] = ps
            }
        }
        var recorded: [Recorded] = []
        for id in order {
            guard let p = params[id] else { throw RungError.badInput("\(file): trial \(id) has no params") }
            let vs = values[id]!
            let maxEpoch = vs.keys.max() ?? 0
            var curve: [Double] = []
            var last = vs[vs.keys.min() ?? 1] ?? .nan
            for e in 1...max(1, maxEpoch) {
                if let v = vs[e] { last = v }
                curve.append(last)
            }
            var coords: [Double] = []
            for (j, sp) in space.parameters.enumerated() {
                switch encodings[j].kind {
                case let .numeric(low, high):
                    coords.append(p[sp.name].map { (encodings[j].toInternal($0) - low) / (high - low) } ?? -1)
                case .categorical:
                    coords.append(p[sp.name].map { encodings[j].toInternal($0) } ?? -1)
                case .fixed:
                    coords.append(0)
                }
            }
            recorded.append(Recorded(coords: coords, values: curve))
        }
        if recorded.isEmpty { throw RungError.badInput("\(file): no results to replay") }
        self.trials = recorded
    }

    /// The recorded value of the nearest recorded trial at `epoch` (its last value beyond its end).
    public func value(params: [String: ParamValue], epoch: Int, trial: TrialID) -> Double {
        var x: [Double] = []
        for (j, sp) in space.parameters.enumerated() {
            switch encodings[j].kind {
            case let .numeric(low, high):
                x.append(params[sp.name].map { (encodings[j].toInternal($0) - low) / (high - low) } ?? -1)
            case .categorical:
                x.append(params[sp.name].map { encodings[j].toInternal($0) } ?? -1)
            case .fixed:
                x.append(0)
            }
        }
        var best = 0
        var bestD = Double.infinity
        for (i, r) in trials.enumerated() {
            var d = 0.0
            for (j, e) in encodings.enumerated() {
                if case .categorical = e.kind { d += r.coords[j] == x[j] ? 0 : 1 } else { d += (r.coords[j] - x[j]) * (r.coords[j] - x[j]) }
            }
            if d < bestD { bestD = d; best = i }
        }
        let curve = trials[best].values
        return curve[min(max(epoch, 1), curve.count) - 1]
    }
}
