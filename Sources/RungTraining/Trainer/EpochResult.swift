import RungCore

/// What one epoch of a trial produced: its number, validation metrics and timings.
public struct EpochResult: Sendable, Hashable, Codable {
    /// The epoch just completed, counting from 1.
    public var epoch: Int
    /// Metrics of the model after this epoch on the validation split.
    public var validation: MetricSet
    /// Wall-clock seconds spent training this epoch.
    public var trainSeconds: Double
    /// Wall-clock seconds spent predicting the validation split and computing metrics.
    public var evaluationSeconds: Double

    /// An epoch result.
    public init(epoch: Int, validation: MetricSet, trainSeconds: Double, evaluationSeconds: Double) {
        self.epoch = epoch
        self.validation = validation
        self.trainSeconds = trainSeconds
        self.evaluationSeconds = evaluationSeconds
    }
}
