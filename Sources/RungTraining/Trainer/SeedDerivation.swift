import RungCore

/// Derives XGBoost seeds from a trial's 64-bit seed (splitmix64), so that different
/// streams (the booster, each random-forest chunk) get independent, reproducible seeds.
public enum SeedDerivation {
    /// A seed in 0 ..< 2³¹ − 1 for stream `stream` of `seed` (stream 0 is the main booster).
    public static func xgboostSeed(_ seed: UInt64, stream: UInt64) -> Int {
        var z = seed &+ (stream &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % 2_147_483_647)
    }
}

/// Errors shared by the trainers.
enum RungErrorFactory {
    static func notTrained(family: String) -> RungError {
        RungError.usage("The \(family) model has no trained epoch yet: run at least one epoch before predicting or saving.")
    }
}
