import RungCore

/// A built-in model family a `Trainer` can train: its name in sweep configs and the
/// parameters it accepts (with ranges and defaults).
public protocol TrainerFamily {
    /// The family's name in configs, stores and the registry (`xgboost`, …).
    static var name: String { get }
    /// The parameters the family accepts; anything else is an error.
    static var parameterSchema: [ParameterSpec] { get }
    /// Checks rules between parameters after each was checked alone (e.g. two ways of
    /// giving the same penalty); throws `RungError.badInput` naming the parameters.
    static func validateCombination(_ resolved: [String: ParamValue]) throws
    /// The XGBoost parameters for one trial (after `ParameterSpec.resolve`), in the order
    /// they are set.
    static func xgboostParameters(_ params: [String: ParamValue], context: XGBoostContext) -> [(name: String, value: String)]
}

extension TrainerFamily {
    /// No rules between parameters by default.
    public static func validateCombination(_ resolved: [String: ParamValue]) throws {}

    static func int(_ p: [String: ParamValue], _ key: String) -> Int {
        if case .int(let v)? = p[key] { return v }
        return Int(p[key]?.doubleValue ?? 0)
    }

    static func number(_ p: [String: ParamValue], _ key: String) -> String {
        switch p[key] {
        case .int(let v)?: return String(v)
        case .double(let v)?: return String(v)
        case .string(let s)?: return s
        case .bool(let b)?: return b ? "1" : "0"
        case nil: return ""
        }
    }
}
