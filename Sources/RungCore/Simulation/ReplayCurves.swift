import Foundation

/// Learning curves replayed from a file of recorded per-epoch results: a suggested
/// configuration gets the curve of the nearest recorded trial (distance in the searcher's
/// normalised coordinates), as tabular benchmarks do.
///
/// File formats (JSON lines, may be mixed):
/// - one line per epoch: `{"trial": 3, "params": {...}, "epoch": 1, "value": 0.71}`
///   (`params` needed on at least one line per trial);
/// - one line per configuration, as `bench/search/record_curves.py` writes a tabulated
///   benchmark: `{"family": "xgboost", "config": 3, "params": {...}, "values": [0.69, 0.70, …],
///   "seconds": [4.1, 3.9, …]}` (values and seconds per epoch from epoch 1; `seconds` optional).
///
/// With `family`, lines naming another family are skipped (lines without `family` are kept).
/// When every recorded configuration has `seconds`, `seconds(params:epoch:trial:)` gives the
/// nearest configuration's recorded epoch time, and the simulator uses it as virtual time.
public struct ReplayCurves: LearningCurves {
    private struct Recorded: Sendable {
        var coords: [Double]
        var values: [Double]   // index epoch-1; gaps filled forward
        var seconds: [Double]  // index epoch-1; empty when not recorded
    }

    private let space: SearchSpace
    private let encodings: [ParameterEncoding]
    private let trials: [Recorded]
    /// Whether every recorded configuration has epoch times.
    public let hasSeconds: Bool
    /// The number of recorded configurations replayed.
    public var count: Int { trials.count }

    /// Parses replay `text` (named `file` in errors) for trials over `space`, keeping only
    /// lines of `family` when given.
    public init(text: String, file: String, space: SearchSpace, family: String? = nil) throws {
        self.space = space
        let encodings = space.parameters.map { ParameterEncoding($0.domain) }
        self.encodings = encodings
        var params: [Int: [String: ParamValue]] = [:]
        var values: [Int: [Int: Double]] = [:]
        var seconds: [Int: [Double]] = [:]
        var order: [Int] = []
        let decoder = JSONDecoder()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard case .object(let o)? = try? decoder.decode(JSONValue.self, from: Data(t.utf8)) else {
                throw RungError.badInput("\(file):\(n + 1): not a JSON object")
            }
            if let family, case .string(let f)? = o["family"], f != family { continue }
            let id: Int
            if case .array(let vs)? = o["values"] {
                // One line per configuration (a tabulated benchmark).
                guard let c = o["config"]?.integer ?? o["trial"]?.integer else {
                    throw RungError.badInput("\(file):\(n + 1): a line with values needs config (or trial)")
                }
                id = c
                let curve = vs.compactMap(\.number)
                guard !curve.isEmpty, curve.count == vs.count else {
                    throw RungError.badInput("\(file):\(n + 1): values must be a non-empty array of numbers")
                }
                if case .array(let ss)? = o["seconds"] {
                    let secs = ss.compactMap(\.number)
                    guard secs.count == curve.count, secs.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                        throw RungError.badInput("\(file):\(n + 1): seconds must be one non-negative number per value")
                    }
                    seconds[id] = secs
                }
                if values[id] == nil { order.append(id) }
                values[id] = Dictionary(uniqueKeysWithValues: curve.enumerated().map { ($0 + 1, $1) })
            } else {
                guard let t = o["trial"]?.integer, let epoch = o["epoch"]?.integer, epoch >= 1,
                      let v = o["value"]?.number else {
                    throw RungError.badInput("\(file):\(n + 1): each line needs trial, epoch (>= 1) and value, or config and values")
                }
                id = t
                if values[id] == nil { order.append(id); values[id] = [:] }
                values[id]![epoch] = v
            }
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
            recorded.append(Recorded(coords: coords, values: curve, seconds: seconds[id] ?? []))
        }
        if recorded.isEmpty {
            throw RungError.badInput("\(file): no results to replay" + (family.map { " for family \($0)" } ?? ""))
        }
        self.trials = recorded
        self.hasSeconds = recorded.allSatisfy { !$0.seconds.isEmpty }
    }

    /// The recorded value of the nearest recorded trial at `epoch` (its last value beyond its end).
    public func value(params: [String: ParamValue], epoch: Int, trial: TrialID) -> Double {
        let curve = trials[nearest(params)].values
        return curve[min(max(epoch, 1), curve.count) - 1]
    }

    /// The nearest recorded configuration's time for `epoch` (its last epoch's beyond its end),
    /// or nil when the file has no epoch times.
    public func seconds(params: [String: ParamValue], epoch: Int, trial: TrialID) -> Double? {
        guard hasSeconds else { return nil }
        let secs = trials[nearest(params)].seconds
        return secs[min(max(epoch, 1), secs.count) - 1]
    }

    /// The index of the recorded configuration nearest to `params`: squared distance in
    /// normalised coordinates, 1 per differing category; the first recorded wins a tie.
    private func nearest(_ params: [String: ParamValue]) -> Int {
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
        return best
    }
}
