import RungCore
/// A random forest on XGBoost's random-forest mode (`num_parallel_tree`, row and column
/// subsampling, `eta` 1, `hist`). An epoch grows `trees_per_epoch` trees as one independent
/// one-round booster from the same base score (the training positive rate) with its own
/// derived seed; the forest averages all trees in margin space (see `ForestMerger`), so it
/// stays a forest however many epochs run.
public enum RandomForestFamily: TrainerFamily {
    /// The family name in configs.
    public static let name = "random_forest"

    /// The accepted parameters, ranges and defaults.
    public static var parameterSchema: [ParameterSpec] {
        [
            ParameterSpec("trees_per_epoch", .int(.closed(1, 10_000)), default: .int(10), help: "Trees added per epoch."),
            ParameterSpec("max_depth", .int(.closed(1, 30)), default: .int(8), help: "Maximum tree depth."),
            ParameterSpec("min_child_weight", .double(.atLeast(0)), default: .double(1),
                          help: "Minimum hessian sum in a child."),
            ParameterSpec("subsample", .double(.open(0, 1)), default: .double(0.8),
                          help: "Fraction of rows sampled for each tree (below 1, or the trees are not random)."),
            ParameterSpec("colsample_bynode", .double(.leftOpen(0, 1)), default: .double(0.8),
                          help: "Fraction of columns sampled for each split."),
            ParameterSpec("reg_lambda", aliases: ["lambda"], .double(.atLeast(0)), default: .double(1),
                          help: "L2 penalty on leaf weights."),
        ]
    }

    /// Parameters of one chunk booster (the trainer sets a per-chunk seed after them).
    /// Every chunk starts from the training positive rate (clamped to [0.001, 0.999]) as
    /// `base_score`, so all chunks share one base margin and can be averaged.
    public static func xgboostParameters(_ p: [String: ParamValue], context: XGBoostContext) -> [(name: String, value: String)] {
        [
            ("booster", "gbtree"), ("tree_method", "hist"), ("objective", "binary:logistic"),
            ("nthread", String(context.threads)), ("seed", String(context.seed)), ("seed_per_iteration", "1"),
            ("eta", "1"), ("num_parallel_tree", number(p, "trees_per_epoch")),
            ("max_depth", number(p, "max_depth")), ("min_child_weight", number(p, "min_child_weight")),
            ("subsample", number(p, "subsample")), ("colsample_bynode", number(p, "colsample_bynode")),
            ("lambda", number(p, "reg_lambda")),
            ("base_score", String(Float(min(max(context.positiveRate, 0.001), 0.999)))),
        ]
    }
}
