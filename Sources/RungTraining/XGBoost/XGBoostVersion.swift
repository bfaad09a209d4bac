import CXGBoost

/// The XGBoost library version this build links.
public func xgboostVersion() -> String {
    var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
    XGBoostVersion(&major, &minor, &patch)
    return "\(major).\(minor).\(patch)"
}
