import Foundation

/// When a column, and the data set, count as drifted.
public struct DriftThresholds: Sendable, Equatable, Codable {
    /// A column drifts when its test's p-value is below this (KS for numeric, chi-square for
    /// categorical columns).
    public var pValue: Double
    /// The data set drifts when at least this share of its columns drift.
    public var driftShare: Double
    /// A column whose PSI is at least this is flagged as drifted too (nil: PSI is reported
    /// but does not decide).
    public var psi: Double?

    /// The defaults: p < 0.05, a share of 0.3, PSI not deciding.
    public init(pValue: Double = 0.05, driftShare: Double = 0.3, psi: Double? = nil) {
        self.pValue = pValue
        self.driftShare = driftShare
        self.psi = psi
    }

    enum CodingKeys: String, CodingKey { case pValue = "p_value", driftShare = "drift_share", psi }
}
