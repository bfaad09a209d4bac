import RungCore

/// The registry of built-in trainer families.
public enum TrainerFamilies {
    /// Every built-in family, in a stable order.
    public static var all: [any TrainerFamily.Type] {
        [XGBoostFamily.self, RandomForestFamily.self, LogisticRegressionFamily.self]
    }

    /// The family called `name`; throws `RungError.badInput` listing the known names.
    public static func family(named name: String) throws -> any TrainerFamily.Type {
        if let f = all.first(where: { $0.name == name }) { return f }
        throw RungError.badInput(
            "Unknown trainer family '\(name)'; built-in families are \(all.map { $0.name }.joined(separator: ", ")).")
    }

    /// Checks a trial's parameters against the family's schema and fills defaults
    /// (see `ParameterSpec.resolve`).
    public static func resolveParameters(family name: String, _ params: [String: ParamValue]) throws -> [String: ParamValue] {
        let family = try family(named: name)
        let resolved = try ParameterSpec.resolve(params, schema: family.parameterSchema, family: family.name)
        try family.validateCombination(resolved)
        return resolved
    }

    /// Whether a trial of `family` gives the same model when its XGBoost thread count
    /// changes between epochs (a worker lends a running trial an idle slot's core only
    /// then, so that results stay reproducible); checked by `TrainerThreadsTests`.
    public static func threadsKeepModel(family: String) -> Bool {
        threadIndependentFamilies.contains(family)
    }

    /// The families whose models do not depend on XGBoost's thread count: the hist tree
    /// updater gives the same trees for any `nthread` (xgboost, and each random-forest
    /// chunk); gblinear's coordinate descent sums gradients per thread, so a logistic
    /// regression's weights change in the last bits.
    static let threadIndependentFamilies: Set<String> = [XGBoostFamily.name, RandomForestFamily.name]
}
