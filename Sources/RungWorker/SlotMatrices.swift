import RungTraining

/// The XGBoost matrices of the data version a slot trained on last, kept between its
/// trials so that a trial's setup does not rebuild them (nor XGBoost's histogram index).
///
/// Confinement: owned by one slot's thread (a `TrialSlot`), never shared, hence a class
/// without `Sendable`.
final class SlotMatrices {
    private var current: (dataVersion: String, matrices: TrainingMatrices)?

    /// The matrices of `data`, built on first use and kept until the slot trains on another version.
    func matrices(for data: LoadedData) throws -> TrainingMatrices {
        if let current, current.dataVersion == data.dataVersion { return current.matrices }
        current = nil   // free the old version's matrices before building the new ones
        let matrices = try TrainingMatrices(train: data.train, validation: data.validation, test: data.test)
        current = (data.dataVersion, matrices)
        return matrices
    }
}
