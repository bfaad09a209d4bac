import Foundation
import Yams

/// Reads sweep configs: YAML text → a validated `SweepConfig`, every error naming the
/// file, line and key ("sweep.yaml:12: key families.xgboost.space.max_depth.low: …").
public enum SweepConfigParser {
    /// Reads and parses the config file at `path`.
    public static func load(path: String) throws -> SweepConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RungError.badInput("cannot read sweep config \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses YAML `text`; `file` names it in error messages.
    public static func parse(yaml text: String, file: String) throws -> SweepConfig {
        let top = try YAMLField.document(yaml: text, file: file, what: "the sweep config")
        let entries = try top.mapping(allowed: ["name", "seed", "data", "metric", "searcher", "scheduler", "families", "register",
                                                "warm_start", "tracking", "retrain"])

        let nameField = try top.required("name", in: entries)
        let name = try nameField.string()
        if name.isEmpty { throw nameField.error("name must not be empty") }
        var seed: UInt64 = 0
        if let f = top.child("seed", in: entries) {
            let s = try f.int()
            if s < 0 { throw f.error("seed must be a non-negative integer, found \(s)") }
            seed = UInt64(s)
        }
        let data = try top.child("data", in: entries).map(parseData) ?? DataSettings()
        let metric = try parseMetric(try top.required("metric", in: entries))
        let searcher = try top.child("searcher", in: entries).map(parseSearcher) ?? SearcherSettings()
        let scheduler = try top.child("scheduler", in: entries).map(parseScheduler) ?? SchedulerSettings()
        let familiesField = try top.required("families", in: entries)
        let familyEntries = try familiesField.mapping()
        if familyEntries.isEmpty { throw familiesField.error("at least one family is needed") }
        let warmStart = try top.child("warm_start", in: entries).map(parseWarmStart) ?? WarmStart.none
        let families = try familyEntries.map { try parseFamily(name: $0.key, field: $0.field, warmStart: warmStart) }
        try checkReported(metric.name, by: families, at: try top.required("metric", in: entries))
        let register = try top.child("register", in: entries).map(parseRegister)
        var config = SweepConfig(name: name, seed: seed, data: data, metric: metric, searcher: searcher,
                                 scheduler: scheduler, families: families, register: register, file: file,
                                 warmStart: warmStart)
        config.tracking = try top.child("tracking", in: entries).map(TrackingSettings.parse)
        config.retrain = try top.child("retrain", in: entries).map(parseRetrain)
        return config
    }

    /// `retrain: {when: always|drift|degraded, drift_share, max_auc_drop, p_value}`.
    static func parseRetrain(_ field: YAMLField) throws -> RetrainSettings {
        let e = try field.mapping(allowed: ["when", "drift_share", "max_auc_drop", "p_value"])
        var settings = RetrainSettings()
        if let f = field.child("when", in: e) {
            guard let text = try? f.string(), let when = RetrainSettings.When(rawValue: text) else {
                throw f.error("retrain.when must be always, drift or degraded, found \(f.kindName)")
            }
            settings.when = when
        }
        if let f = field.child("drift_share", in: e) {
            settings.driftShare = try f.double()
            if !(settings.driftShare > 0 && settings.driftShare <= 1) { throw f.error("retrain.drift_share must be in (0, 1], found \(settings.driftShare)") }
        }
        if let f = field.child("max_auc_drop", in: e) {
            settings.maxAUCDrop = try f.double()
            if !(settings.maxAUCDrop >= 0 && settings.maxAUCDrop < 1) { throw f.error("retrain.max_auc_drop must be in [0, 1), found \(settings.maxAUCDrop)") }
        }
        if let f = field.child("p_value", in: e) {
            settings.pValue = try f.double()
            if !(settings.pValue > 0 && settings.pValue < 1) { throw f.error("retrain.p_value must be in (0, 1), found \(settings.pValue)") }
        }
        return settings
    }

    static func parseData(_ field: YAMLField) throws -> DataSettings {
        let e = try field.mapping(allowed: ["source", "recipe", "prepared", "through_batch"])
        let d = DataSettings(source: try field.child("source", in: e)?.string(),
                             recipe: try field.child("recipe", in: e)?.string(),
                             prepared: try field.child("prepared", in: e)?.string(),
                             throughBatch: try field.child("through_batch", in: e).map(parseThroughBatch))
        if d.source == nil && d.prepared == nil { throw field.error("data needs a source or prepared location") }
        return d
    }

    /// `through_batch:` — a non-negative integer or `latest`.
    static func parseThroughBatch(_ field: YAMLField) throws -> ThroughBatch {
        if (try? field.string()) == "latest" { return .latest }
        guard let k = try? field.int() else {
            throw field.error("through_batch must be a non-negative integer or latest, found \(field.kindName)")
        }
        if k < 0 { throw field.error("through_batch must be a non-negative integer or latest, found \(k)") }
        return .batch(k)
    }

    /// `warm_start:` — `none`, `production` or `history`.
    static func parseWarmStart(_ field: YAMLField) throws -> WarmStart {
        guard let text = try? field.string(), let w = WarmStart(rawValue: text) else {
            throw field.error("warm_start must be none, production or history, found \(field.kindName)")
        }
        return w
    }

    static func parseMetric(_ field: YAMLField) throws -> MetricSettings {
        let e = try field.mapping(allowed: ["name", "mode"])
        let name = try field.required("name", in: e).string()
        let modeField = try field.required("mode", in: e)
        let modeText = try modeField.string()
        guard let mode = OptimizationMode(rawValue: modeText) else {
            throw modeField.error("mode must be min or max, found '\(modeText)'")
        }
        return MetricSettings(name: name, mode: mode)
    }

    /// The sweep's metric must be one every family reports with each epoch, or every trial
    /// would run to its end unranked and nothing would be registered.
    static func checkReported(_ name: String, by families: [FamilyConfig], at metricField: YAMLField) throws {
        let entries = try metricField.mapping()
        let nameField = try metricField.required("name", in: entries)
        for family in families {
            guard let reported = family.reportedMetrics, !reported.contains(name) else { continue }
            let near = reported.min { editDistance($0, name) < editDistance($1, name) }
            let hint = near.map { editDistance($0, name) <= 2 ? " (did you mean \($0)?)" : "" } ?? ""
            if case .command = family.kind {
                throw nameField.error("metric \(name) is not among the metrics family \(family.name) declares "
                                      + "(metrics: [\(reported.joined(separator: ", "))])\(hint)")
            }
            throw nameField.error("metric \(name) is not one family \(family.name) reports\(hint); "
                                  + "its epochs report \(reported.joined(separator: ", "))")
        }
    }

    /// The Levenshtein distance between two short strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }

    static func parseRegister(_ field: YAMLField) throws -> RegisterSettings {
        let e = try field.mapping(allowed: ["metric", "min_improvement"])
        let metric = try field.required("metric", in: e).string()
        var minImprovement = 0.0
        if let f = field.child("min_improvement", in: e) {
            minImprovement = try f.double()
            if minImprovement < 0 { throw f.error("min_improvement must not be negative, found \(minImprovement)") }
        }
        return RegisterSettings(metric: metric, minImprovement: minImprovement)
    }

    static func parseSearcher(_ field: YAMLField) throws -> SearcherSettings {
        let e = try field.mapping(allowed: ["type", "startup_trials", "candidates", "multivariate", "constant_liar",
                                            "fit", "prior_weight", "gamma"])
        var s = SearcherSettings()
        if let f = field.child("type", in: e) {
            let t = try f.string()
            guard let k = SearcherSettings.Kind(rawValue: t) else {
                throw f.error("unknown searcher type '\(t)' (expected tpe or random)")
            }
            s.type = k
        }
        if let f = field.child("startup_trials", in: e) {
            s.tpe.startupTrials = try f.int()
            if s.tpe.startupTrials < 1 { throw f.error("startup_trials must be at least 1") }
        }
        if let f = field.child("candidates", in: e) {
            s.tpe.candidates = try f.int()
            if s.tpe.candidates < 1 { throw f.error("candidates must be at least 1") }
        }
        if let f = field.child("multivariate", in: e) { s.tpe.multivariate = try f.bool() }
        if let f = field.child("constant_liar", in: e) { s.tpe.constantLiar = try f.bool() }
        if let f = field.child("fit", in: e) {
            let t = try f.string()
            guard let p = FidelityPolicy(rawValue: t) else {
                throw f.error("fit must be highest_rung or last_result, found '\(t)'")
            }
            s.tpe.fidelity = p
        }
        if let f = field.child("prior_weight", in: e) {
            s.tpe.priorWeight = try f.double()
            if !(s.tpe.priorWeight > 0) { throw f.error("prior_weight must be positive") }
        }
        if let f = field.child("gamma", in: e) {
            let t = try f.string()
            switch t {
            case "optuna": s.tpe.gamma = .linear(fraction: 0.1, cap: 25)
            case "hyperopt": s.tpe.gamma = .sqrt(factor: 0.25)
            default: throw f.error("gamma must be optuna or hyperopt, found '\(t)'")
            }
        }
        return s
    }

    static func parseScheduler(_ field: YAMLField) throws -> SchedulerSettings {
        let e = try field.mapping(allowed: ["type", "max_epochs", "grace_period", "reduction_factor", "mode", "brackets"])
        var s = SchedulerSettings()
        if let f = field.child("type", in: e) {
            let t = try f.string()
            guard let k = SchedulerSettings.Kind(rawValue: t) else {
                throw f.error("unknown scheduler type '\(t)' (expected asha, hyperband or fifo)")
            }
            s.type = k
        }
        if let f = field.child("max_epochs", in: e) {
            s.maxEpochs = try f.int()
            if s.maxEpochs < 1 { throw f.error("max_epochs must be at least 1, found \(s.maxEpochs)") }
        } else if s.type != .fifo {
            throw field.error("missing required key 'max_epochs' for scheduler \(s.type.rawValue)")
        }
        if let f = field.child("grace_period", in: e) {
            s.gracePeriod = try f.int()
            if s.gracePeriod < 1 { throw f.error("grace_period must be at least 1, found \(s.gracePeriod)") }
            if s.gracePeriod > s.maxEpochs {
                throw f.error("grace_period (\(s.gracePeriod)) is greater than max_epochs (\(s.maxEpochs))")
            }
        }
        if let f = field.child("reduction_factor", in: e) {
            s.reductionFactor = try f.double()
            if !(s.reductionFactor > 1) { throw f.error("reduction_factor must be greater than 1, found \(s.reductionFactor)") }
        }
        if let f = field.child("mode", in: e) {
            let t = try f.string()
            guard let m = SchedulerSettings.ASHAMode(rawValue: t) else {
                throw f.error("mode must be stop or promote, found '\(t)'")
            }
            if s.type != .asha { throw f.error("mode applies only to the asha scheduler") }
            s.ashaMode = m
        }
        if let f = field.child("brackets", in: e) {
            let b = try f.int()
            if s.type != .hyperband { throw f.error("brackets applies only to the hyperband scheduler") }
            let available = RungTable.milestones(gracePeriod: s.gracePeriod, reductionFactor: s.reductionFactor,
                                                 maxEpochs: s.maxEpochs).count
            if b < 1 || b > max(1, available) {
                throw f.error("brackets must be between 1 and \(max(1, available)) for these milestones, found \(b)")
            }
            s.brackets = b
        }
        return s
    }

    static func parseFamily(name: String, field: YAMLField, warmStart: WarmStart = .none) throws -> FamilyConfig {
        let e = try field.mapping(allowed: ["type", "trials", "epoch", "command", "space", "params", "warm_start", "metrics"])
        var kind: FamilyConfig.Kind
        let builtIn = FamilyConfig.Kind.builtIn.first { $0.0 == name }?.1
        let commandField = field.child("command", in: e)
        var command: [String]? = nil
        if let cf = commandField {
            let items = try cf.sequence().map { try $0.string() }
            if items.isEmpty { throw cf.error("command must name a program") }
            command = items
        }
        if let tf = field.child("type", in: e) {
            let t = try tf.string()
            if t == "command" {
                guard let command else { throw tf.error("a family of type command needs command: [program, args…]") }
                kind = .command(command)
            } else if let k = FamilyConfig.Kind.builtIn.first(where: { $0.0 == t })?.1 {
                if let cf = commandField { throw cf.error("command is only for families of type command, not \(t)") }
                kind = k
            } else {
                throw tf.error("unknown family type '\(t)' (expected xgboost, random_forest, logistic_regression or command)")
            }
        } else if let command {
            kind = .command(command)
        } else if let builtIn {
            kind = builtIn
        } else {
            throw field.keyError("unknown family type '\(name)': the built-in families are xgboost, random_forest and logistic_regression; any other family needs command: [program, args…]")
        }
        var trials = 20
        if let f = field.child("trials", in: e) {
            trials = try f.int()
            if trials < 1 { throw f.error("trials must be at least 1, found \(trials)") }
        }
        var epoch: [String: ParamValue] = [:]
        if let f = field.child("epoch", in: e) {
            for (k, v) in try f.mapping() { epoch[k] = try v.scalarValue() }
        }
        let spaceField = field.child("space", in: e)
        let paramsField = field.child("params", in: e)
        if spaceField != nil && paramsField != nil {
            throw paramsField!.error("give the search space as space: or params:, not both")
        }
        let space: SearchSpace
        if let sf = spaceField ?? paramsField {
            space = try parseSpace(sf)
        } else {
            space = try SearchSpace([])
        }
        let familyWarmStart = try field.child("warm_start", in: e).map(parseWarmStart) ?? warmStart
        var declared: [String]?
        if let mf = field.child("metrics", in: e) {
            guard case .command = kind else {
                throw mf.error("metrics is only for families of type command (a built-in family reports every val_ metric)")
            }
            declared = try mf.sequence().map { try $0.string() }
            if declared!.isEmpty { throw mf.error("metrics must name at least one metric the program reports") }
        }
        return FamilyConfig(name: name, kind: kind, trials: trials, epoch: epoch, space: space, warmStart: familyWarmStart,
                            declaredMetrics: declared)
    }

    /// Parses a `space:` mapping of parameter definitions.
    static func parseSpace(_ field: YAMLField) throws -> SearchSpace {
        let entries = try field.mapping()
        var parameters: [Parameter] = []
        var whenFields: [String: YAMLField] = [:]
        for (name, pf) in entries {
            let (p, whenField) = try parseParameter(name: name, field: pf)
            parameters.append(p)
            if let whenField { whenFields[name] = whenField }
        }
        // Conditions: the parent must exist and the values must be possible.
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        for p in parameters {
            for c in p.conditions {
                if let problem = SearchSpace.conditionProblem(c, of: p.name, parents: byName) {
                    throw (whenFields[p.name] ?? field).error(problem)
                }
            }
        }
        do {
            return try SearchSpace(parameters)
        } catch let e as RungError {
            throw field.error(e.message)
        }
    }

    static func parseParameter(name: String, field: YAMLField) throws -> (Parameter, YAMLField?) {
        let common = try field.mapping()
        let typeField = try field.required("type", in: common)
        let type = try typeField.string()
        let allowed: [String]
        switch type {
        case "uniform", "loguniform": allowed = ["type", "low", "high", "when"]
        case "int": allowed = ["type", "low", "high", "log", "when"]
        case "quniform": allowed = ["type", "low", "high", "q", "when"]
        case "choice": allowed = ["type", "choices", "when"]
        case "const": allowed = ["type", "value", "when"]
        default:
            throw typeField.error("unknown parameter type '\(type)' (expected uniform, loguniform, int, quniform, choice or const)")
        }
        let e = try field.mapping(allowed: allowed)
        let domain: ParameterDomain
        switch type {
        case "uniform":
            domain = .uniform(low: try field.required("low", in: e).double(), high: try field.required("high", in: e).double())
        case "loguniform":
            domain = .loguniform(low: try field.required("low", in: e).double(), high: try field.required("high", in: e).double())
        case "int":
            let log = try field.child("log", in: e)?.bool() ?? false
            domain = .int(low: try field.required("low", in: e).int(), high: try field.required("high", in: e).int(), log: log)
        case "quniform":
            domain = .quniform(low: try field.required("low", in: e).double(), high: try field.required("high", in: e).double(),
                               q: try field.required("q", in: e).double())
        case "choice":
            let cf = try field.required("choices", in: e)
            domain = .choice(try cf.sequence().map { try $0.scalarValue() })
        default:
            domain = .const(try field.required("value", in: e).scalarValue())
        }
        if let problem = domain.validationProblem() {
            // Point at the most specific key the problem is about.
            throw (field.child(problemKey(of: domain), in: e) ?? field).error(problem)
        }
        var conditions: [ParameterCondition] = []
        let whenField = field.child("when", in: e)
        if let wf = whenField {
            let we = try wf.mapping()
            if we.isEmpty { throw wf.error("when needs at least one parameter: value") }
            for (parent, vf) in we {
                let values: [ParamValue]
                if case .sequence = vf.node {
                    values = try vf.sequence().map { try $0.scalarValue() }
                } else {
                    values = [try vf.scalarValue()]
                }
                conditions.append(ParameterCondition(parent: parent, values: values))
            }
        }
        return (Parameter(name: name, domain: domain, conditions: conditions), whenField)
    }

    /// The key of a parameter's mapping that `domain.validationProblem()` is about, decided
    /// from the domain's values in the order that function checks them.
    static func problemKey(of domain: ParameterDomain) -> String {
        switch domain {
        case let .uniform(low, high):
            return low.isFinite && high.isFinite && low > high ? "low" : "high"
        case let .loguniform(low, high):
            guard low.isFinite, high.isFinite else { return "high" }
            return low <= 0 || high <= 0 || low > high ? "low" : "high"
        case let .int(low, high, log):
            return low > high || (low != high && log && low < 1) ? "low" : "high"
        case let .quniform(low, high, q):
            guard low.isFinite, high.isFinite, q.isFinite else { return "high" }
            if q <= 0 { return "q" }
            if low > high { return "low" }
            return low == high || !(high - low).isFinite ? "high" : "q"
        case .choice:
            return "choices"
        case .const:
            return "value"
        }
    }
}
