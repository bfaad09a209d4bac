/// A whole sweep as described by its YAML file (docs/config-sweep.md): what to tune,
/// on which data, by which metric, with which searcher and scheduler.
public struct SweepConfig: Sendable, Equatable {
    /// The sweep's name.
    public var name: String
    /// The sweep's master seed; searcher seeds per family are derived from it.
    public var seed: UInt64
    /// Where the data comes from.
    public var data: DataSettings
    /// The metric to optimise.
    public var metric: MetricSettings
    /// The search algorithm.
    public var searcher: SearcherSettings
    /// The early-stopping scheduler.
    public var scheduler: SchedulerSettings
    /// The model families to tune, in file order.
    public var families: [FamilyConfig]
    /// When a sweep's best model becomes production (nil: no `register:` section).
    public var register: RegisterSettings?
    /// `warm_start:` at the top level: the default of every family that sets none itself.
    public var warmStart: WarmStart
    /// The file the config was read from (as given to the parser), for messages and relative paths.
    public var file: String
    /// `tracking:` — where the sweep's runs are exported (nil: nowhere, unless the head has `--mlflow`).
    public var tracking: TrackingSettings? = nil
    /// `retrain:`: when `rung run` runs the sweep at all (nil: always).
    public var retrain: RetrainSettings? = nil

    /// Creates a config from its parts (the parser is `SweepConfig.parse(yaml:file:)`).
    public init(name: String, seed: UInt64, data: DataSettings, metric: MetricSettings, searcher: SearcherSettings,
                scheduler: SchedulerSettings, families: [FamilyConfig], register: RegisterSettings?, file: String,
                warmStart: WarmStart = .none) {
        self.name = name
        self.seed = seed
        self.data = data
        self.metric = metric
        self.searcher = searcher
        self.scheduler = scheduler
        self.families = families
        self.register = register
        self.file = file
        self.warmStart = warmStart
    }

    /// The family called `name`, if the sweep has it.
    public func family(named name: String) -> FamilyConfig? { families.first { $0.name == name } }

    /// The deterministic searcher seed of the family at position `index`.
    public func searcherSeed(forFamilyAt index: Int) -> UInt64 {
        var g = SeededGenerator(seed: seed &+ 0x5EED &* UInt64(index + 1))
        return g.next()
    }
}

/// `data:` — the source dataset, the recipe that prepares it, and where prepared splits live.
public struct DataSettings: Sendable, Equatable {
    /// A path, s3:// or https:// URL, or known dataset id (nil when only `prepared` is given).
    public var source: String?
    /// The dataset recipe, relative to the config file.
    public var recipe: String?
    /// Where the prepared splits live (optional).
    public var prepared: String?
    /// Which future batches are added to the training split (nil: none, the initial data only).
    public var throughBatch: ThroughBatch?

    /// Creates data settings.
    public init(source: String? = nil, recipe: String? = nil, prepared: String? = nil, throughBatch: ThroughBatch? = nil) {
        self.source = source
        self.recipe = recipe
        self.prepared = prepared
        self.throughBatch = throughBatch
    }
}

/// `metric:` — the metric name (e.g. `val_auc`) and whether it is minimised or maximised.
public struct MetricSettings: Sendable, Equatable {
    /// The metric reported by trials, e.g. `val_auc`.
    public var name: String
    /// `min` or `max`.
    public var mode: OptimizationMode

    /// Creates metric settings.
    public init(name: String, mode: OptimizationMode) {
        self.name = name
        self.mode = mode
    }
}

/// `register:` — the metric that decides promotion to production and the margin it needs.
public struct RegisterSettings: Sendable, Equatable {
    /// The metric compared between versions, e.g. `test_auc`.
    public var metric: String
    /// How much better a new version must be to become production.
    public var minImprovement: Double

    /// Creates register settings.
    public init(metric: String, minImprovement: Double) {
        self.metric = metric
        self.minImprovement = minImprovement
    }
}
