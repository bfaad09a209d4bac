import RungCore
/// Gradient-boosted trees (`gbtree`, `tree_method=hist`, `binary:logistic`); an epoch is
/// `rounds` boosting rounds. Canonical names follow XGBoost's scikit-learn API
/// (`learning_rate`, `reg_alpha`, `reg_lambda`); XGBoost's native names are aliases.
public enum XGBoostFamily: TrainerFamily {
    /// The family name in configs.
    public static let name = "xgboost"

    /// The accepted parameters, ranges and defaults.
    public static var parameterSchema: [ParameterSpec] {
        [
            ParameterSpec("rounds", .int(.closed(1, 10_000)), default: .int(10), help: "Boosting rounds per epoch."),
            ParameterSpec("max_depth", .int(.closed(1, 30)), default: .int(6), help: "Maximum tree depth."),
            ParameterSpec("learning_rate", aliases: ["eta"], .double(.leftOpen(0, 1)), default: .double(0.3),
                          help: "Shrinkage applied to each new tree."),
            ParameterSpec("reg_alpha", aliases: ["alpha"], .double(.atLeast(0)), default: .double(0),
                          help: "L1 penalty on leaf weights."),
            ParameterSpec("reg_lambda", aliases: ["lambda"], .double(.atLeast(0)), default: .double(1),
                          help: "L2 penalty on leaf weights."),
            ParameterSpec("gamma", aliases: ["min_split_loss"], .double(.atLeast(0)), default: .double(0),
                          help: "Minimum loss reduction to split a leaf."),
            ParameterSpec("subsample", .double(.leftOpen(0, 1)), default: .double(1),
                          help: "Fraction of rows sampled for each tree."),
            ParameterSpec("colsample_bytree", .double(.leftOpen(0, 1)), default: .double(1),
                          help: "Fraction of columns sampled for each tree."),
            ParameterSpec("colsample_bynode", .double(.leftOpen(0, 1)), default: .double(1),
                          help: "Fraction of columns sampled for each split."),
            ParameterSpec("min_child_weight", .double(.atLeast(0)), default: .double(1),
                          help: "Minimum hessian sum in a child."),
            ParameterSpec("max_bin", .int(.closed(2, 65_536)), default: .int(256), help: "Histogram bins per feature."),
            ParameterSpec("scale_pos_weight", .double(.greaterThan(0)), default: .double(1),
                          help: "Weight of positive rows relative to negative ones."),
        ]
    }

    /// The XGBoost parameters of a trial.
    public static func xgboostParameters(_ p: [String: ParamValue], context: XGBoostContext) -> [(name: String, value: String)] {
        [
            ("booster", "gbtree"), ("tree_method", "hist"), ("objective", "binary:logistic"),
            ("nthread", String(context.threads)), ("seed", String(context.seed)), ("seed_per_iteration", "1"),
            ("max_depth", number(p, "max_depth")), ("eta", number(p, "learning_rate")),
            ("alpha", number(p, "reg_alpha")), ("lambda", number(p, "reg_lambda")), ("gamma", number(p, "gamma")),
            ("subsample", number(p, "subsample")), ("colsample_bytree", number(p, "colsample_bytree")),
            ("colsample_bynode", number(p, "colsample_bynode")), ("min_child_weight", number(p, "min_child_weight")),
            ("max_bin", number(p, "max_bin")), ("scale_pos_weight", number(p, "scale_pos_weight")),
        ]
    }
}
