/// One entry of `families:` — a model family, its trial budget and its search space.
public struct FamilyConfig: Sendable, Equatable {
    /// What trains the family's trials.
    public enum Kind: Sendable, Equatable {
        /// XGBoost gbtree.
        case xgboost
        /// XGBoost random-forest mode.
        case randomForest
        /// XGBoost gblinear with binary:logistic.
        case logisticRegression
        /// Any program: argv; it prints metric lines as JSON.
        case command([String])

        /// The built-in family names and their kinds.
        public static let builtIn: [(String, Kind)] = [
            ("xgboost", .xgboost), ("random_forest", .randomForest), ("logistic_regression", .logisticRegression),
        ]

        /// The family type name as written in configs (`command` for command families).
        public var typeName: String {
            switch self {
            case .xgboost: return "xgboost"
            case .randomForest: return "random_forest"
            case .logisticRegression: return "logistic_regression"
            case .command: return "command"
            }
        }
    }

    /// The key under `families:`.
    public var name: String
    /// What trains it.
    public var kind: Kind
    /// `trials:` — how many trials to start (default 20).
    public var trials: Int
    /// `epoch:` — what one epoch means for this family (e.g. `rounds: 10`), passed to the trainer.
    public var epoch: [String: ParamValue]
    /// `space:` (or `params:`) — the searched parameters.
    public var space: SearchSpace
    /// `warm_start:` — the family's own setting, else the sweep's top-level one.
    public var warmStart: WarmStart
    /// `metrics:` of a `command` family: the metric names its program reports (nil: not
    /// declared; then its first report without the sweep's metric fails the trial).
    public var declaredMetrics: [String]?

    /// Creates a family config.
    public init(name: String, kind: Kind, trials: Int, epoch: [String: ParamValue] = [:], space: SearchSpace,
                warmStart: WarmStart = .none, declaredMetrics: [String]? = nil) {
        self.name = name
        self.kind = kind
        self.trials = trials
        self.epoch = epoch
        self.space = space
        self.warmStart = warmStart
        self.declaredMetrics = declaredMetrics
    }

    /// The metrics this family's epoch reports carry, when known: every `val_` metric for a
    /// built-in family, the declared ones for a `command` family.
    public var reportedMetrics: [String]? {
        if case .command = kind { return declaredMetrics }
        return Metric.allCases.map { MetricName(.val, $0).description }
    }
}
