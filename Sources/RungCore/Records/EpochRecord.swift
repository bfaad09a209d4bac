import Foundation

/// The metrics one trial reported for one epoch; `(trialID, epoch)` is its key.
public struct EpochRecord: Sendable, Codable {
    /// The trial that reported.
    public var trialID: Int64
    /// The epoch number.
    public var epoch: Int
    /// Seconds of training this epoch took.
    public var seconds: Double
    /// Metric name → value; NaN and infinities are kept as they are.
    public var metrics: [String: Double]
    /// When the head recorded the report.
    public var recordedAt: Date

    /// Creates an epoch record.
    public init(trialID: Int64, epoch: Int, seconds: Double, metrics: [String: Double], recordedAt: Date = Date()) {
        self.trialID = trialID
        self.epoch = epoch
        self.seconds = seconds
        self.metrics = metrics
        self.recordedAt = recordedAt
    }
}

extension EpochRecord: Equatable {
    /// Equal when every field is equal, counting NaN metrics as equal to NaN.
    public static func == (a: EpochRecord, b: EpochRecord) -> Bool {
        a.trialID == b.trialID && a.epoch == b.epoch && a.seconds.bitwiseEqualOrBothNaN(b.seconds)
            && a.recordedAt == b.recordedAt && MetricsJSON.sameMetrics(a.metrics, b.metrics)
    }
}

extension Double {
    /// Equality that treats two NaNs as the same value.
    func bitwiseEqualOrBothNaN(_ other: Double) -> Bool {
        self == other || (isNaN && other.isNaN)
    }
}
