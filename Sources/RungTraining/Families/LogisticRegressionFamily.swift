import RungCore

/// L1/L2-regularised logistic regression on XGBoost's `gblinear` booster with the
/// deterministic `coord_descent` updater and the `cyclic` feature selector; an epoch is
/// `rounds` rounds.
///
/// The penalty is given one of two ways (not both):
/// - XGBoost's per-row strengths `reg_alpha` (L1) and `reg_lambda` (L2), the canonical
///   names as in the other families (XGBoost's `alpha` / `lambda` are aliases). XGBoost
///   minimises mean log loss + `reg_lambda`/2·‖w‖² + `reg_alpha`·‖w‖₁ (bias unpenalised).
/// - scikit-learn's `penalty` (`l2`, `l1`, `elasticnet`, `none`) with `C` (default 1) and,
///   for `elasticnet` only, `l1_ratio` ρ (default 0.5). scikit-learn minimises
///   C·Σ loss + ρ‖w‖₁ + (1 − ρ)/2·‖w‖², so with n training rows this is
///   `reg_alpha` = ρ/(C·n) and `reg_lambda` = (1 − ρ)/(C·n) (ρ = 1 for `l1`, 0 for `l2`).
/// Without either, both strengths are 0.
public enum LogisticRegressionFamily: TrainerFamily {
    /// The family name in configs.
    public static let name = "logistic_regression"

    /// The accepted parameters, ranges and defaults.
    public static var parameterSchema: [ParameterSpec] {
        [
            ParameterSpec("rounds", .int(.closed(1, 10_000)), default: .int(10), help: "Coordinate-descent rounds per epoch."),
            ParameterSpec("reg_alpha", aliases: ["alpha"], .double(.atLeast(0)), default: nil,
                          help: "L1 penalty per training row (default 0)."),
            ParameterSpec("reg_lambda", aliases: ["lambda"], .double(.atLeast(0)), default: nil,
                          help: "L2 penalty per training row (default 0)."),
            ParameterSpec("penalty", .choice(["l2", "l1", "elasticnet", "none"]), default: nil,
                          help: "scikit-learn-style penalty, instead of reg_alpha/reg_lambda."),
            ParameterSpec("C", .double(.greaterThan(0)), default: nil,
                          help: "Inverse penalty strength with `penalty` (default 1)."),
            ParameterSpec("l1_ratio", .double(.closed(0, 1)), default: nil,
                          help: "Share of L1 in the elasticnet penalty (default 0.5)."),
            ParameterSpec("learning_rate", aliases: ["eta"], .double(.leftOpen(0, 1)), default: .double(0.5),
                          help: "Step size of each coordinate update."),
        ]
    }

    /// Rejects a penalty given both ways, and `C` / `l1_ratio` without a fitting `penalty`.
    public static func validateCombination(_ p: [String: ParamValue]) throws {
        let penalty: String? = if case .string(let s)? = p["penalty"] { s } else { nil }
        if let penalty {
            for direct in ["reg_alpha", "reg_lambda"] where p[direct] != nil {
                throw RungError.badInput(
                    "Parameters 'penalty' (\(penalty)) and '\(direct)' of family \(name) both set the penalty; give one or the other.")
            }
        } else if p["C"] != nil || p["l1_ratio"] != nil {
            let which = p["C"] != nil ? "C" : "l1_ratio"
            throw RungError.badInput("Parameter '\(which)' of family \(name) needs 'penalty' (l2, l1 or elasticnet).")
        }
        if p["l1_ratio"] != nil && penalty != "elasticnet" {
            throw RungError.badInput(
                "Parameter 'l1_ratio' of family \(name) applies only with penalty elasticnet, not \(penalty ?? "none").")
        }
    }

    /// The per-row L1 and L2 strengths XGBoost gets.
    static func strengths(_ p: [String: ParamValue], trainRows: Int) -> (alpha: Double, lambda: Double) {
        guard case .string(let penalty)? = p["penalty"] else {
            return (p["reg_alpha"]?.doubleValue ?? 0, p["reg_lambda"]?.doubleValue ?? 0)
        }
        let scale = 1 / ((p["C"]?.doubleValue ?? 1) * Double(max(trainRows, 1)))
        switch penalty {
        case "l1": return (scale, 0)
        case "l2": return (0, scale)
        case "elasticnet":
            let ratio = p["l1_ratio"]?.doubleValue ?? 0.5
            return (ratio * scale, (1 - ratio) * scale)
        default: return (0, 0)
        }
    }

    /// The XGBoost parameters of a trial.
    public static func xgboostParameters(_ p: [String: ParamValue], context: XGBoostContext) -> [(name: String, value: String)] {
        let (alpha, lambda) = strengths(p, trainRows: context.trainRows)
        return [
            ("booster", "gblinear"), ("objective", "binary:logistic"), ("updater", "coord_descent"),
            ("feature_selector", "cyclic"), ("nthread", String(context.threads)), ("seed", String(context.seed)),
            ("eta", number(p, "learning_rate")), ("alpha", String(alpha)), ("lambda", String(lambda)),
        ]
    }
}
