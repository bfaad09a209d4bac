/// L1/L2-regularised logistic regression on XGBoost's `gblinear` booster with the
/// deterministic `coord_descent` updater and the `cyclic` feature selector; an epoch is
/// `rounds` rounds. Canonical names are `reg_alpha` (L1) and `reg_lambda` (L2), as in the
/// other families; XGBoost's `alpha` / `lambda` are aliases. XGBoost scales both penalties
/// by the number of training rows, so they are per-row strengths.
public enum LogisticRegressionFamily: TrainerFamily {
    public static let name = "logistic_regression"

    public static var parameterSchema: [ParameterSpec] {
        [
            ParameterSpec("rounds", .int(.closed(1, 10_000)), default: .int(10), help: "Coordinate-descent rounds per epoch."),
            ParameterSpec("reg_alpha", aliases: ["alpha"], .double(.atLeast(0)), default: .double(0),
                          help: "L1 penalty on the weights."),
            ParameterSpec("reg_lambda", aliases: ["lambda"], .double(.atLeast(0)), default: .double(0),
                          help: "L2 penalty on the weights."),
            ParameterSpec("learning_rate", aliases: ["eta"], .double(.leftOpen(0, 1)), default: .double(0.5),
                          help: "Step size of each coordinate update."),
        ]
    }

    public static func xgboostParameters(_ p: [String: ParamValue], seed: Int, threads: Int) -> [(name: String, value: String)] {
        [
            ("booster", "gblinear"), ("objective", "binary:logistic"), ("updater", "coord_descent"),
            ("feature_selector", "cyclic"), ("nthread", String(threads)), ("seed", String(seed)),
            ("eta", number(p, "learning_rate")), ("alpha", number(p, "reg_alpha")), ("lambda", number(p, "reg_lambda")),
        ]
    }
}
